package io.j8s.junit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The clusters {@link RunScopeFirstTest} and {@link RunScopeSecondTest} got (one, if shared). */
final class RunScope {
    static final Set<String> IDS = ConcurrentHashMap.newKeySet();

    private RunScope() {}
}
