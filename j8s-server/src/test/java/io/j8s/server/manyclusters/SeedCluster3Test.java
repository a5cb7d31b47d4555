package io.j8s.server.manyclusters;

/**
 * Cluster 3 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster3Test extends SeedClusterCase {}
