package io.j8s.server.manyclusters;

/**
 * Cluster 4 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster4Test extends SeedClusterCase {}
