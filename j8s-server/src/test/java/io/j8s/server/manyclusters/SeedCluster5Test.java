package io.j8s.server.manyclusters;

/**
 * Cluster 5 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster5Test extends SeedClusterCase {}
