package org.witrpc.cli;

/**
 * A method as the command line names it: {@code Service.method}, where the service is an
 * interface's simple or fully qualified name and the method a name or an exact key ({@code
 * add(int,int)}).
 *
 * @param service the service part, as given
 * @param method the method part, as given
 */
record MethodRef(String service, String method) {

  /**
   * Splits {@code text} at the last dot before the method.
   *
   * @throws CliFailure (usage) if there is no service or no method part
   */
  static MethodRef parse(String text) {
    int paren = text.indexOf('(');
    int dot = text.lastIndexOf('.', paren < 0 ? text.length() - 1 : paren);
    if (dot <= 0 || dot == text.length() - 1 || dot + 1 == paren) {
      throw new CliFailure(
          ExitCode.USAGE,
          "'"
              + text
              + "' names no method: write Service.method, for example Calculator.add or"
              + " com.example.Calculator.add(int,int)");
    }
    return new MethodRef(text.substring(0, dot), text.substring(dot + 1));
  }

  /** Whether the method is given by its exact key, which needs no server description. */
  boolean isKey() {
    return method.indexOf('(') >= 0;
  }

  /** Whether the service is given by its fully qualified name. */
  boolean isQualified() {
    return service.indexOf('.') >= 0;
  }
}
