package io.j8s.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' {@code serviceaccounts-controller}: every active Namespace has the ServiceAccount
 * {@code default}, created when the Namespace appears and again whenever it is deleted. Keys are
 * Namespace names. A Namespace that is terminating or gone is left alone, and a create the API
 * answers with "already exists", "not found" or "namespace terminating" is not retried.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on namespaces and serviceaccounts, create
 * on serviceaccounts.
 */
public final class ServiceAccountsController extends ReconcilingController {

    public static final String NAME = "serviceaccount";
    public static final String IDENTITY = "service-account-controller";

    /** The ServiceAccounts every Namespace gets. */
    public static final List<String> DEFAULT_SERVICE_ACCOUNTS = List.of("default");

    private static final Logger log = LoggerFactory.getLogger(ServiceAccountsController.class);

    private final Cache<Namespace> namespaces;
    private final Cache<ServiceAccount> serviceAccounts;

    public ServiceAccountsController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.namespaces = context.informers().cache(Namespace.class);
        this.serviceAccounts = context.informers().cache(ServiceAccount.class);
        newLoop(context.settings().workers(), List.of(namespaces, serviceAccounts));
        namespaces
                .informer()
                .addEventHandler(
                        EventHandlers.of(
                                ns -> queue.add(ns.getMetadata().getName()),
                                (o, n) -> queue.add(n.getMetadata().getName()),
                                ns -> {}));
        serviceAccounts
                .informer()
                .addEventHandler(
                        EventHandlers.of(
                                sa -> {},
                                (o, n) -> {},
                                sa -> {
                                    if (DEFAULT_SERVICE_ACCOUNTS.contains(
                                            sa.getMetadata().getName())) {
                                        queue.add(sa.getMetadata().getNamespace());
                                    }
                                }));
    }

    @Override
    protected Result reconcile(String namespace) {
        Optional<Namespace> found = namespaces.get(namespace);
        if (found.isEmpty()
                || found.get().getMetadata().getDeletionTimestamp() != null
                || !active(found.get())) {
            return Result.done();
        }
        for (String name : DEFAULT_SERVICE_ACCOUNTS) {
            if (serviceAccounts.get(namespace, name).isPresent()) {
                continue;
            }
            ServiceAccount sa =
                    new ServiceAccountBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(namespace)
                            .endMetadata()
                            .build();
            writes.record("create", "serviceaccounts");
            try {
                client.serviceAccounts().inNamespace(namespace).resource(sa).create();
                log.atInfo()
                        .addKeyValue("serviceaccount", namespace + "/" + name)
                        .log("created the default service account");
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 || e.getCode() == 404 || terminating(e)) {
                    continue;
                }
                throw e;
            }
        }
        return Result.done();
    }

    private static boolean active(Namespace ns) {
        String phase = ns.getStatus() == null ? null : ns.getStatus().getPhase();
        return phase == null || phase.isEmpty() || phase.equals("Active");
    }

    /**
     * Whether the API refused because the namespace is being deleted ({@code
     * NamespaceTerminating}).
     */
    static boolean terminating(KubernetesClientException e) {
        return e.getCode() == 403
                && e.getStatus() != null
                && e.getStatus().getMessage() != null
                && e.getStatus().getMessage().contains("because it is being terminated");
    }
}
