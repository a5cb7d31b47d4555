package io.j8s.apiserver.auth.authn;

import io.j8s.apiserver.auth.Authenticator;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way a request can prove who sent it, tried in turn (Kubernetes' union authenticator): the
 * client certificate, then the bearer token against each token authenticator. The first success
 * wins; when credentials were offered and none succeeded the request is a 401. A request over the
 * in-process listener ({@link HttpExchange#inProcess()}) is also tried against the loopback tokens
 * first; over TCP they are never asked. Thread safe.
 */
public final class RequestAuthenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(RequestAuthenticator.class);

    private final X509Authenticator certificates;
    private final List<TokenAuthenticator> tokens;
    private final List<TokenAuthenticator> inProcessTokens;

    /**
     * @param certificates null when client certificates are not accepted (plain HTTP)
     */
    public RequestAuthenticator(X509Authenticator certificates, List<TokenAuthenticator> tokens) {
        this(certificates, tokens, null);
    }

    /**
     * @param loopback the tokens of the server's own components, accepted only on a request over
     *     the in-process listener; null for none
     */
    public RequestAuthenticator(
            X509Authenticator certificates,
            List<TokenAuthenticator> tokens,
            LoopbackTokens loopback) {
        this.certificates = certificates;
        this.tokens = List.copyOf(tokens);
        List<TokenAuthenticator> inProcess = new ArrayList<>();
        if (loopback != null) {
            inProcess.add(loopback);
        }
        inProcess.addAll(tokens);
        this.inProcessTokens = List.copyOf(inProcess);
    }

    @Override
    public Optional<UserInfo> authenticate(HttpExchange exchange) {
        List<String> failures = new ArrayList<>();
        if (certificates != null && exchange.peerCertificates() != null) {
            try {
                Optional<UserInfo> user = certificates.authenticate(exchange.peerCertificates());
                if (user.isPresent()) {
                    return user;
                }
            } catch (InvalidCredentialsException e) {
                failures.add(e.getMessage());
            }
        }
        Optional<String> bearer = bearerToken(exchange.header("Authorization"));
        if (bearer.isPresent()) {
            for (TokenAuthenticator authenticator :
                    exchange.inProcess() ? inProcessTokens : tokens) {
                try {
                    Optional<UserInfo> user = authenticator.authenticate(bearer.get());
                    if (user.isPresent()) {
                        return user;
                    }
                } catch (InvalidCredentialsException e) {
                    failures.add(e.getMessage());
                }
            }
            if (failures.isEmpty()) {
                failures.add("invalid bearer token");
            }
        }
        if (!failures.isEmpty()) {
            log.atDebug()
                    .addKeyValue("remote", exchange.remoteIp())
                    .addKeyValue("uri", exchange.uri())
                    .addKeyValue("errors", failures)
                    .log("unable to authenticate the request");
            throw ApiException.unauthorized();
        }
        return Optional.empty();
    }

    /** The token of an {@code Authorization: Bearer <token>} header, as Kubernetes reads it. */
    static Optional<String> bearerToken(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String[] parts = header.trim().split(" ", 3);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parts[1]);
    }
}
