package io.j8s.server.manyclusters;

/**
 * Cluster 6 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster6Test extends SeedClusterCase {}
