package io.j8s.apiserver.auth.authn;

import io.j8s.apiserver.auth.UserInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static bearer tokens from a CSV file, Kubernetes' {@code --token-auth-file}: one record per line,
 * {@code token,user,uid[,"group1,group2"]}, fields quoted as CSV quotes them. A record with fewer
 * than three fields is an error; an empty token is skipped and a duplicate replaces the earlier
 * one, both with a warning, as in Kubernetes. Immutable after loading; thread safe.
 */
public final class TokenFile implements TokenAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(TokenFile.class);

    private final Map<String, UserInfo> users;

    private TokenFile(Map<String, UserInfo> users) {
        this.users = users;
    }

    /** Reads {@code path}. @throws IllegalArgumentException naming the file and the bad record */
    public static TokenFile load(Path path) {
        try {
            return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the token file '" + path + "': " + e.getMessage(), e);
        }
    }

    /** Parses CSV text; {@code name} names the file in messages. */
    public static TokenFile parse(String csv, String name) {
        Map<String, UserInfo> users = new LinkedHashMap<>();
        int recordNum = 0;
        for (List<String> record : Csv.records(csv, name)) {
            if (record.size() < 3) {
                throw new IllegalArgumentException(
                        "token file '"
                                + name
                                + "' must have at least 3 columns (token, user"
                                + " name, user uid), found "
                                + record.size());
            }
            recordNum++;
            String token = record.get(0);
            if (token.isEmpty()) {
                log.atWarn()
                        .addKeyValue("file", name)
                        .addKeyValue("record", recordNum)
                        .log("empty token has been found in token file");
                continue;
            }
            if (users.containsKey(token)) {
                log.atWarn()
                        .addKeyValue("file", name)
                        .addKeyValue("record", recordNum)
                        .log("duplicate token has been found in token file");
            }
            List<String> groups =
                    record.size() >= 4 ? Arrays.asList(record.get(3).split(",", -1)) : List.of();
            users.put(token, UserInfo.authenticated(record.get(1), groups, record.get(2)));
        }
        return new TokenFile(Map.copyOf(users));
    }

    /** How many tokens the file holds. */
    public int size() {
        return users.size();
    }

    @Override
    public Optional<UserInfo> authenticate(String token) {
        byte[] offered = token.getBytes(StandardCharsets.UTF_8);
        UserInfo found = null;
        // Compare against every token in constant time, so timing tells nothing about near misses.
        for (Map.Entry<String, UserInfo> entry : users.entrySet()) {
            if (MessageDigest.isEqual(offered, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * A CSV reader as Go's {@code encoding/csv} reads (quotes, doubled quotes, blank lines
     * skipped).
     */
    static final class Csv {
        private Csv() {}

        static List<List<String>> records(String text, String name) {
            List<List<String>> records = new ArrayList<>();
            List<String> record = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean fieldStarted = false;
            int line = 1;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                    }
                    continue;
                }
                switch (c) {
                    case '"' -> {
                        if (field.length() > 0) {
                            throw new IllegalArgumentException(
                                    "token file '"
                                            + name
                                            + "', line "
                                            + line
                                            + ": bare \" in non-quoted field");
                        }
                        quoted = true;
                        fieldStarted = true;
                    }
                    case ',' -> {
                        record.add(field.toString());
                        field.setLength(0);
                        fieldStarted = true;
                    }
                    case '\r' -> {
                        // CRLF line ends: the \n ends the record.
                    }
                    case '\n' -> {
                        endRecord(records, record, field, fieldStarted);
                        record = new ArrayList<>();
                        field.setLength(0);
                        fieldStarted = false;
                        line++;
                    }
                    default -> {
                        field.append(c);
                        fieldStarted = true;
                    }
                }
            }
            if (quoted) {
                throw new IllegalArgumentException(
                        "token file '"
                                + name
                                + "', line "
                                + line
                                + ": extraneous or missing \" in quoted-field");
            }
            endRecord(records, record, field, fieldStarted);
            return records;
        }

        private static void endRecord(
                List<List<String>> records,
                List<String> record,
                StringBuilder field,
                boolean fieldStarted) {
            if (record.isEmpty() && !fieldStarted) {
                return; // a blank line
            }
            record.add(field.toString());
            records.add(List.copyOf(record));
        }
    }
}
