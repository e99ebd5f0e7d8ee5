package org.witrpc.spring.boot;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.springframework.beans.BeansException;
import org.springframework.beans.PropertyValues;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Sets the fields annotated {@link WitProxy} to the proxies of {@link WitClients}, before the
 * bean's own initialization (as {@code @Autowired} fields are).
 *
 * <p>Thread safety: Spring calls it while creating beans; it keeps no state of its own.
 */
final class WitProxyInjector implements InstantiationAwareBeanPostProcessor {
  private final ObjectProvider<WitClients> clients;

  WitProxyInjector(ObjectProvider<WitClients> clients) {
    this.clients = clients;
  }

  @Override
  public PropertyValues postProcessProperties(PropertyValues pvs, Object bean, String beanName)
      throws BeansException {
    ReflectionUtils.doWithFields(
        ClassUtils.getUserClass(bean),
        field -> inject(bean, beanName, field),
        field -> field.isAnnotationPresent(WitProxy.class));
    return pvs;
  }

  private void inject(Object bean, String beanName, Field field) {
    String name = field.getAnnotation(WitProxy.class).value();
    String where = "@WitProxy(\"" + name + "\") field " + field.getName() + " of bean '" + beanName;
    if (Modifier.isStatic(field.getModifiers()) || !field.getType().isInterface()) {
      throw new BeanCreationException(
          beanName, where + "' must be an instance field of a service interface type");
    }
    WitClients available = clients.getIfAvailable();
    if (available == null) {
      throw new BeanCreationException(
          beanName, where + "': no witrpc client is configured (witrpc.client." + name + ".uri)");
    }
    Object proxy;
    try {
      proxy = available.service(name, field.getType());
    } catch (IllegalArgumentException e) {
      throw new BeanCreationException(beanName, where + "': " + e.getMessage(), e);
    }
    ReflectionUtils.makeAccessible(field);
    ReflectionUtils.setField(field, bean, proxy);
  }
}
