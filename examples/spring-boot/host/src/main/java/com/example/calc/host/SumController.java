package com.example.calc.host;

import com.example.calc.api.Calculator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.witrpc.spring.boot.WitProxy;

/** {@code GET /sum?a=1&b=2}: asks the worker. */
@RestController
public class SumController {
  @WitProxy("calc")
  private Calculator calc;

  @GetMapping("/sum")
  public String sum(@RequestParam("a") int a, @RequestParam("b") int b) {
    return calc.add(a, b) + " (worker " + calc.pid() + ")";
  }
}
