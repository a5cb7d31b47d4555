package io.j8s.node.volume;

/** A volume cannot be set up yet (the kubelet's {@code FailedMount}); retried. */
public final class VolumeException extends Exception {
    private final String volume;

    public VolumeException(String volume, String message) {
        super(message);
        this.volume = volume;
    }

    public String volume() {
        return volume;
    }

    /** The kubelet's event message: {@code MountVolume.SetUp failed for volume "v" : <why>}. */
    public String eventMessage() {
        return "MountVolume.SetUp failed for volume \"" + volume + "\" : " + getMessage();
    }
}
