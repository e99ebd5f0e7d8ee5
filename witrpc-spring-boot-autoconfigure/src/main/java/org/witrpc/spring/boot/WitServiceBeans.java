package org.witrpc.spring.boot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.witrpc.server.WitServer;

/**
 * The beans annotated {@link WitService} and the interfaces each is served under.
 *
 * <p>Thread safety: use from one thread (the one creating the server bean).
 */
final class WitServiceBeans {
  private static final List<String> NOT_SERVICE_PACKAGES =
      List.of("java.", "javax.", "jakarta.", "org.springframework.", "kotlin.", "groovy.");

  private final Map<Class<?>, String> beanByInterface = new LinkedHashMap<>();

  private WitServiceBeans() {}

  /** Registers every {@link WitService} bean of {@code beans} with {@code builder}. */
  static void register(ListableBeanFactory beans, WitServer.Builder builder) {
    WitServiceBeans services = new WitServiceBeans();
    beans
        .getBeansWithAnnotation(WitService.class)
        .forEach((name, bean) -> services.register(name, bean, builder));
  }

  private void register(String beanName, Object bean, WitServer.Builder builder) {
    Class<?> type = AopUtils.getTargetClass(bean);
    WitService annotation = AnnotatedElementUtils.findMergedAnnotation(type, WitService.class);
    Class<?>[] named = annotation == null ? new Class<?>[0] : annotation.value();
    List<Class<?>> interfaces = named.length > 0 ? List.of(named) : inferred(beanName, type);
    for (Class<?> iface : interfaces) {
      if (!iface.isInterface() || !iface.isInstance(bean)) {
        throw new IllegalStateException(
            "@WitService bean '"
                + beanName
                + "' ("
                + type.getName()
                + ") names "
                + iface.getName()
                + ", which is not an interface it implements");
      }
      String other = beanByInterface.putIfAbsent(iface, beanName);
      if (other != null) {
        throw new IllegalStateException(
            "@WitService beans '"
                + other
                + "' and '"
                + beanName
                + "' are both served under "
                + iface.getName()
                + "; a witrpc server serves one implementation per interface");
      }
      serve(builder, iface, bean);
    }
  }

  private static List<Class<?>> inferred(String beanName, Class<?> type) {
    List<Class<?>> candidates =
        ClassUtils.getAllInterfacesForClassAsSet(type).stream()
            .filter(i -> NOT_SERVICE_PACKAGES.stream().noneMatch(i.getName()::startsWith))
            .toList();
    if (candidates.size() != 1) {
      throw new IllegalStateException(
          "@WitService bean '"
              + beanName
              + "' ("
              + type.getName()
              + ") implements "
              + (candidates.isEmpty()
                  ? "no service interface"
                  : candidates.size()
                      + " interfaces ("
                      + candidates.stream().map(Class::getName).collect(Collectors.joining(", "))
                      + ")")
              + ": name the ones to serve, as in @WitService(Calculator.class)");
    }
    return candidates;
  }

  private static <T> void serve(WitServer.Builder builder, Class<T> iface, Object bean) {
    builder.service(iface, iface.cast(bean));
  }
}
