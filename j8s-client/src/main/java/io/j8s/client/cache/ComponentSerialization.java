package io.j8s.client.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON (de)serialization of j8s' own components (controllers, scheduler, node agents, proxy,
 * cluster DNS): fabric8's, except that {@code metadata.managedFields} is skipped when an object is
 * read, so no informer cache decodes or keeps it. kube-controller-manager and the kubelet do the
 * same with an informer transform that drops managed fields (client-go's {@code
 * TransformStripManagedFields}); fabric8's informers have no transform hook, so j8s drops them in
 * the decoder, for every read of a component's client.
 *
 * <p>A component's writes then carry no managed fields, and the API server keeps the live ones (an
 * update whose {@code managedFields} is empty does not change them; docs/server-side-apply.md).
 * Nothing a component does reads managed fields. Users' and tests' clients keep fabric8's default
 * serialization. See docs/architecture.md, "The client runtime".
 */
public final class ComponentSerialization {

    private ComponentSerialization() {}

    private static final class Shared {
        static final KubernetesSerialization INSTANCE = withoutManagedFields();
    }

    /**
     * The one serialization every component client of this JVM shares: its (de)serializer caches
     * are filled once per process rather than once per server, and a fresh JVM can fill them ahead
     * of the first server's start (docs/architecture.md, "Start-up"). Components never register
     * kinds of their own in it.
     */
    public static KubernetesSerialization shared() {
        return Shared.INSTANCE;
    }

    /** A new serialization that reads every object without its {@code managedFields}. */
    public static KubernetesSerialization withoutManagedFields() {
        return new KubernetesSerialization(
                JsonMapper.builder().addMixIn(ObjectMeta.class, SkipManagedFields.class).build(),
                true);
    }

    /** Ignored when read; a component never sets it, so nothing is written either. */
    @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
    private abstract static class SkipManagedFields {}
}
