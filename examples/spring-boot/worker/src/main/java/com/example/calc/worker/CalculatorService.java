package com.example.calc.worker;

import com.example.calc.api.Calculator;
import org.springframework.stereotype.Service;
import org.witrpc.spring.boot.WitService;

/** Served at {@code witrpc.server.uri} under its one interface, {@link Calculator}. */
@Service
@WitService
public class CalculatorService implements Calculator {
  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }
}
