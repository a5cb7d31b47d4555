package io.j8s.apiserver.apiextensions.cel;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationListener;
import java.util.Collection;
import java.util.Map;

/**
 * Counts the cost of one evaluation as dev.cel reports each evaluated expression, and stops it when
 * it goes over the per-call limit or the object's remaining budget: one unit per expression, plus a
 * tenth of the size of each string, list or map it produced (Kubernetes charges string and list
 * work by size too), so neither deep comprehensions nor huge values can spin the server.
 */
final class CostListener implements CelEvaluationListener {

    /** Thrown from the listener to end an evaluation that went over its limit. */
    static final class Exceeded extends RuntimeException {
        final boolean perCall;

        Exceeded(boolean perCall) {
            super(
                    perCall
                            ? "operation cancelled: actual cost limit exceeded"
                            : "cost budget exceeded",
                    null,
                    false,
                    false);
            this.perCall = perCall;
        }
    }

    private final long budget;
    long spent;

    CostListener(long budget) {
        this.budget = budget;
    }

    @Override
    public void callback(CelExpr expr, Object result) {
        long c = 1;
        if (result instanceof String s) {
            c += s.length() / 10;
        } else if (result instanceof Collection<?> l) {
            c += l.size() / 10;
        } else if (result instanceof Map<?, ?> m) {
            c += m.size() / 10;
        }
        spent += c;
        if (spent > CelRules.PER_CALL_COST_LIMIT) {
            throw new Exceeded(true);
        }
        if (spent > budget) {
            throw new Exceeded(false);
        }
    }

    /** The {@link Exceeded} in a failed evaluation's causes, or null. */
    static Exceeded exceeded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Exceeded x) {
                return x;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
