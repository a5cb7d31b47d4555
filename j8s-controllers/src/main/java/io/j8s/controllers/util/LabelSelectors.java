package io.j8s.controllers.util;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Matching labels against selectors, with Kubernetes' semantics ({@code metav1.LabelSelectorAsSelector}
 * and {@code labels.SelectorFromSet}). Kept here until j8s-api offers the same.
 */
public final class LabelSelectors {

  private LabelSelectors() {}

  /**
   * Whether {@code labels} satisfy {@code selector}. A null selector matches nothing; an empty one
   * ({@code {}}) matches everything; {@code matchLabels} and every {@code matchExpressions} entry
   * must all hold.
   *
   * @throws IllegalArgumentException for an unknown operator or a malformed requirement
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    Map<String, String> matchLabels = selector.getMatchLabels();
    if (matchLabels != null) {
      for (Map.Entry<String, String> e : matchLabels.entrySet()) {
        if (!e.getValue().equals(actual.get(e.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement r : expressions) {
        if (!matches(r, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String op = r.getOperator();
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String value = labels.get(r.getKey());
    switch (op) {
      case "In":
        requireValues(r, values);
        return value != null && values.contains(value);
      case "NotIn":
        requireValues(r, values);
        return value == null || !values.contains(value);
      case "Exists":
        return labels.containsKey(r.getKey());
      case "DoesNotExist":
        return !labels.containsKey(r.getKey());
      default:
        throw new IllegalArgumentException(
            "\"" + op + "\" is not a valid label selector operator (key " + r.getKey() + ")");
    }
  }

  private static void requireValues(LabelSelectorRequirement r, List<String> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException(
          "operator " + r.getOperator() + " on key " + r.getKey() + " needs at least one value");
    }
  }

  /**
   * Whether {@code labels} contain every pair of {@code selector} (a Service's or ReplicationController's
   * map selector). An empty map matches everything; callers decide what "no selector" means.
   */
  public static boolean matchesSet(Map<String, String> selector, Map<String, String> labels) {
    if (selector == null || selector.isEmpty()) {
      return true;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the selector is {@code {}} (selects everything), which workload controllers refuse. */
  public static boolean isEmpty(LabelSelector selector) {
    return selector != null
        && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }
}
