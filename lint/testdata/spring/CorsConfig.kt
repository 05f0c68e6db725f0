package com.example.shop

import org.springframework.web.bind.annotation.CrossOrigin
import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.RestController

@RestController
class OrderController(private val repo: OrderRepository) {
    @CrossOrigin(origins = ["https://app.example.com", "null"], allowCredentials = "true")
    @GetMapping("/orders")
    fun list(): List<Order> = repo.findAll()

    @CrossOrigin(origins = ["https://$host"])
    @GetMapping("/orders/{id}")
    fun one(@PathVariable id: String): Order = repo.find(id)
}
