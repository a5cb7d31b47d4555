package io.j8s.apiserver.admission;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.registry.Admission;
import io.j8s.store.TxnOp;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Several admissions in order, as the API server's admission chain: each sees the object as the
 * previous left it, and the store operations of all are committed together. Thread safe when its
 * members are.
 */
public final class AdmissionChain implements Admission {
    private final List<Admission> members;

    public AdmissionChain(List<Admission> members) {
        this.members = List.copyOf(members);
    }

    @Override
    public List<TxnOp> admitCreate(ResourceType type, ObjectNode object) {
        List<TxnOp> ops = new ArrayList<>();
        for (Admission a : members) {
            ops.addAll(a.admitCreate(type, object));
        }
        return ops;
    }

    @Override
    public List<TxnOp> admitUpdate(ResourceType type, ObjectNode object, ObjectNode old) {
        List<TxnOp> ops = new ArrayList<>();
        for (Admission a : members) {
            ops.addAll(a.admitUpdate(type, object, old));
        }
        return ops;
    }

    @Override
    public List<TxnOp> admitDelete(ResourceType type, ObjectNode old) {
        List<TxnOp> ops = new ArrayList<>();
        for (Admission a : members) {
            ops.addAll(a.admitDelete(type, old));
        }
        return ops;
    }

    @Override
    public void writeFailed(ResourceType type, List<TxnOp> ops, boolean conflict) {
        for (Admission a : members) {
            a.writeFailed(type, ops, conflict);
        }
    }
}
