package com.example.shop;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration
public class WebConfig implements WebMvcConfigurer {
    private static final String FRONT = "https://app.example.com";

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/public/**");
        registry.addMapping("/api/**")
                .allowedOriginPatterns("https://app.example.com", "https://*.example.com")
                .allowedMethods("GET", "POST", "PUT")
                .allowedHeaders("Content-Type", "Authorization")
                .allowCredentials(true)
                .maxAge(3600);
        registry.addMapping("/admin/**").allowedOrigins(FRONT).allowCredentials(true);
        registry.addMapping("/legacy/**").allowedOrigins("*").allowCredentials(true);
    }
}
