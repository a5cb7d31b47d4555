package io.j8s.server.manyclusters;

/**
 * Cluster 1 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster1Test extends SeedClusterCase {}
