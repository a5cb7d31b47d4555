/** Controllers and scheduler of j8s: API clients that make the cluster match its declared state. */
package io.j8s.controllers;
