/** The shared Jackson 3 codecs, JSON tree helpers and strict-decoding checks. */
package io.j8s.api.json;
