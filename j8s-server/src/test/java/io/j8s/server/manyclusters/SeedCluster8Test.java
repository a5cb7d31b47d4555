package io.j8s.server.manyclusters;

/**
 * Cluster 8 of the eight the {@code many-clusters} execution starts at once (see {@link
 * SeedClusterCase}).
 */
class SeedCluster8Test extends SeedClusterCase {}
