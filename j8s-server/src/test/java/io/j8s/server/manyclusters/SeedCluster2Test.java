package io.j8s.server.manyclusters;

/**
 * Cluster 2 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster2Test extends SeedClusterCase {}
