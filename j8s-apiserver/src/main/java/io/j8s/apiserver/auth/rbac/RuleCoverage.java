package io.j8s.apiserver.auth.rbac;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether one set of rules grants everything another does (Kubernetes' {@code validation.Covers}):
 * the wanted rules are broken down into one verb on one resource (and one name) each, and every
 * such piece must be allowed by some held rule.
 */
final class RuleCoverage {
    private RuleCoverage() {}

    /** The pieces of {@code wanted} that no rule of {@code held} covers (empty: covered). */
    static List<PolicyRule> uncovered(List<PolicyRule> held, List<PolicyRule> wanted) {
        List<PolicyRule> missing = new ArrayList<>();
        for (PolicyRule rule : wanted) {
            for (PolicyRule piece : breakdown(rule)) {
                if (held.stream().noneMatch(owner -> covers(owner, piece))) {
                    missing.add(piece);
                }
            }
        }
        return missing;
    }

    static List<PolicyRule> breakdown(PolicyRule rule) {
        List<PolicyRule> pieces = new ArrayList<>();
        for (String group : rule.apiGroups()) {
            for (String resource : rule.resources()) {
                for (String verb : rule.verbs()) {
                    if (rule.resourceNames().isEmpty()) {
                        pieces.add(
                                new PolicyRule(
                                        List.of(verb),
                                        List.of(group),
                                        List.of(resource),
                                        List.of(),
                                        List.of()));
                    } else {
                        for (String name : rule.resourceNames()) {
                            pieces.add(
                                    new PolicyRule(
                                            List.of(verb),
                                            List.of(group),
                                            List.of(resource),
                                            List.of(name),
                                            List.of()));
                        }
                    }
                }
            }
        }
        for (String url : rule.nonResourceURLs()) {
            for (String verb : rule.verbs()) {
                pieces.add(
                        new PolicyRule(
                                List.of(verb), List.of(), List.of(), List.of(), List.of(url)));
            }
        }
        return pieces;
    }

    static boolean covers(PolicyRule owner, PolicyRule piece) {
        boolean verbs =
                owner.verbs().contains(PolicyRule.ALL) || owner.verbs().containsAll(piece.verbs());
        boolean groups =
                owner.apiGroups().contains(PolicyRule.ALL)
                        || owner.apiGroups().containsAll(piece.apiGroups());
        boolean resources = resourcesCover(owner.resources(), piece.resources());
        boolean urls =
                piece.nonResourceURLs().stream()
                        .allMatch(url -> urlCovered(owner.nonResourceURLs(), url));
        boolean names =
                piece.resourceNames().isEmpty()
                        ? owner.resourceNames().isEmpty()
                        : owner.resourceNames().isEmpty()
                                || owner.resourceNames().containsAll(piece.resourceNames());
        return verbs && groups && resources && urls && names;
    }

    private static boolean resourcesCover(List<String> held, List<String> wanted) {
        if (held.contains(PolicyRule.ALL) || held.containsAll(wanted)) {
            return true;
        }
        for (String path : wanted) {
            if (held.contains(path)) {
                continue;
            }
            int slash = path.indexOf('/');
            if (slash < 0 || !held.contains("*/" + path.substring(slash + 1))) {
                return false;
            }
        }
        return true;
    }

    private static boolean urlCovered(List<String> held, String url) {
        for (String owner : held) {
            if (owner.equals(PolicyRule.ALL)
                    || owner.equals(url)
                    || (owner.endsWith("*")
                            && url.startsWith(owner.substring(0, owner.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** A rule as Kubernetes prints it in escalation errors. */
    static String describe(PolicyRule rule) {
        StringBuilder s = new StringBuilder("{");
        List<String> parts = new ArrayList<>();
        if (!rule.apiGroups().isEmpty()) {
            parts.add("APIGroups:" + quoted(rule.apiGroups()));
        }
        if (!rule.resources().isEmpty()) {
            parts.add("Resources:" + quoted(rule.resources()));
        }
        if (!rule.resourceNames().isEmpty()) {
            parts.add("ResourceNames:" + quoted(rule.resourceNames()));
        }
        if (!rule.nonResourceURLs().isEmpty()) {
            parts.add("NonResourceURLs:" + quoted(rule.nonResourceURLs()));
        }
        parts.add("Verbs:" + quoted(rule.verbs()));
        return s.append(String.join(", ", parts)).append('}').toString();
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(" ", "[", "]"));
    }
}
