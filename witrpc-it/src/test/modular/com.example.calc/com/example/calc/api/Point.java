package com.example.calc.api;

/** A value passed by the service, serialized by Jackson. */
public record Point(double x, double y) {}
