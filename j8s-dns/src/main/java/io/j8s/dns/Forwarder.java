package io.j8s.dns;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends questions outside the cluster domain to the upstream resolvers with Netty's {@link
 * DnsNameResolver} (its query timeout, and TCP when an upstream answer is truncated), at most
 * {@link DnsSettings#maxInFlightForwards()} at once. Not a cache: each question goes upstream.
 */
final class Forwarder implements AutoCloseable {
  private final DnsNameResolver resolver;
  private final int maxInFlight;
  private final AtomicInteger inFlight;

  Forwarder(EventLoop loop, DnsSettings settings, AtomicInteger inFlight) {
    this.maxInFlight = settings.maxInFlightForwards();
    this.inFlight = inFlight;
    this.resolver = new DnsNameResolverBuilder(loop)
        .datagramChannelType(NioDatagramChannel.class)
        .socketChannelType(NioSocketChannel.class)
        .nameServerProvider(new SequentialDnsServerAddressStreamProvider(settings.upstreams()))
        .queryTimeoutMillis(settings.forwardTimeout().toMillis())
        .recursionDesired(true)
        .maxPayloadSize(4096)
        .optResourceEnabled(true)
        .build();
  }

  /**
   * Forwards {@code question}; {@code done} gets the upstream response (owned by it: release the
   * envelope), or null with the reason ({@code overloaded}, {@code timeout}, {@code error}).
   */
  void forward(DnsQuestion question,
      java.util.function.BiConsumer<AddressedEnvelope<DnsResponse, InetSocketAddress>, String> done) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      done.accept(null, "overloaded");
      return;
    }
    Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> f = resolver.query(question);
    f.addListener(r -> {
      inFlight.decrementAndGet();
      if (f.isSuccess()) {
        done.accept(f.getNow(), "ok");
      } else {
        String cause = String.valueOf(f.cause());
        done.accept(null, cause.contains("timeout") || cause.contains("timed out") ? "timeout" : "error");
      }
    });
  }

  @Override
  public void close() {
    resolver.close();
  }

  /**
   * The {@code nameserver} addresses of a resolv.conf file (port 53), leaving out {@code
   * exclude} (the cluster DNS's own addresses, so that it never forwards to itself); empty when
   * the file is missing.
   */
  static List<InetSocketAddress> hostNameservers(Path resolvConf, List<String> exclude, Consumer<String> warn) {
    List<InetSocketAddress> out = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(resolvConf);
    } catch (IOException e) {
      warn.accept("cannot read " + resolvConf + ": " + e.getMessage());
      return out;
    }
    for (String line : lines) {
      String[] words = line.trim().split("\\s+");
      if (words.length < 2 || !words[0].equals("nameserver")) {
        continue;
      }
      String address = words[1];
      int zone = address.indexOf('%');
      if (zone >= 0) {
        address = address.substring(0, zone);
      }
      if (exclude.contains(address)) {
        continue;
      }
      try {
        if (!address.matches("[0-9a-fA-F:.]+")) {
          throw new UnknownHostException(address);
        }
        out.add(new InetSocketAddress(InetAddress.getByName(address), 53));
      } catch (UnknownHostException e) {
        warn.accept("ignoring nameserver " + words[1] + " of " + resolvConf + ": not an address");
      }
    }
    return out;
  }
}
