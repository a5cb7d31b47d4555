package io.j8s.server.manyclusters;

/**
 * Cluster 7 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster7Test extends SeedClusterCase {}
