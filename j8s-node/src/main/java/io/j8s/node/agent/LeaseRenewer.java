package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's {@code coordination.k8s.io/v1} Lease in {@code kube-node-lease} fresh — the
 * heartbeat the node lifecycle controller watches. Like the kubelet's lease controller it updates
 * its last copy without a read first and only re-reads after a failure. Called from one timer; not
 * thread-safe.
 */
final class LeaseRenewer {

    static final String NAMESPACE = "kube-node-lease";

    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

    private final KubernetesClient client;
    private final String nodeName;
    private final Duration leaseDuration;
    private final Clock clock;
    private Lease latest;

    LeaseRenewer(KubernetesClient client, String nodeName, Duration leaseDuration, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.leaseDuration = leaseDuration;
        this.clock = clock;
    }

    /** Creates or renews the Lease; returns whether it succeeded. */
    boolean renew(String nodeUid) {
        try {
            var leases = client.leases().inNamespace(NAMESPACE);
            if (latest == null) {
                latest = leases.withName(nodeName).get();
            }
            if (latest == null) {
                Lease l = new Lease();
                ObjectMeta m = new ObjectMeta();
                m.setName(nodeName);
                m.setNamespace(NAMESPACE);
                if (nodeUid != null) {
                    OwnerReference owner = new OwnerReference();
                    owner.setApiVersion("v1");
                    owner.setKind("Node");
                    owner.setName(nodeName);
                    owner.setUid(nodeUid);
                    m.setOwnerReferences(List.of(owner));
                }
                l.setMetadata(m);
                l.setSpec(spec());
                latest = leases.resource(l).create();
            } else {
                latest.setSpec(spec());
                latest = leases.resource(latest).update();
            }
            return true;
        } catch (KubernetesClientException e) {
            log.warn("node {}: renewing lease failed: {}", nodeName, e.getMessage());
            latest = null;
            return false;
        }
    }

    private LeaseSpec spec() {
        LeaseSpec s = new LeaseSpec();
        s.setHolderIdentity(nodeName);
        s.setLeaseDurationSeconds((int) leaseDuration.toSeconds());
        s.setRenewTime(
                java.time.ZonedDateTime.ofInstant(
                        clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                        ZoneOffset.UTC));
        return s;
    }
}
