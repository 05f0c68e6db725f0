package com.example.shop;

import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/* "@CrossOrigin" in a comment is no annotation: @CrossOrigin(origins = "*") */
@RestController
@RequestMapping("/api/items")
@CrossOrigin(origins = {"https://shop.example.com",
        "http://localhost:3000"}, allowCredentials = "true")
public class ItemController {

    // A // comment with a "quote" and an @GetMapping("/nope")
    @GetMapping("/{id}")
    public Item get(@PathVariable("id") String id) throws NotFound {
        return repo.find(id, "}{");
    }

    @CrossOrigin(originPatterns = "https://*.example.com", methods = {RequestMethod.GET, RequestMethod.PUT})
    @RequestMapping(path = "/search", method = RequestMethod.GET)
    public List<Item> search() {
        return repo.all('"');
    }

    @CrossOrigin(origins = "${shop.front-end}")
    @GetMapping("/config")
    public Config config() { return config; }
}
