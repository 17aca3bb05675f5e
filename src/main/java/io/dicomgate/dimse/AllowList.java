package io.dicomgate.dimse;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The calling AE titles that may associate, each bound to source addresses and to an ingest identity
 * (README "Modalities: DICOM C-STORE over TLS"). Addresses are IP literals or CIDR ranges, never host
 * names: a DNS answer must not widen who may store.
 */
final class AllowList {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** PS3.5 §6.2: AE is up to 16 characters of the default repertoire, no backslash or control characters. */
    private static final Pattern AE_TITLE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");

    /** One allowed calling AE title. */
    record Peer(String aeTitle, List<AddressRange> addresses, String identity, boolean requireUserIdentity) {

        boolean allows(InetAddress address) {
            return addresses.stream().anyMatch(r -> r.contains(address));
        }
    }

    private final Map<String, Peer> peers;

    private AllowList(Map<String, Peer> peers) {
        this.peers = peers;
    }

    /** @throws IllegalArgumentException naming the entry that is not valid */
    static AllowList of(Map<String, DimseConfig.AllowedPeer> config) {
        Map<String, Peer> peers = new LinkedHashMap<>();
        config.forEach((title, entry) -> {
            String ae = title.trim();
            if (!AE_TITLE.matcher(ae).matches()) {
                throw new IllegalArgumentException("dicomgate.dimse.allow: '" + title + "' is not an AE title (1-16 characters, no backslash)");
            }
            if (entry.identity().isBlank()) {
                throw new IllegalArgumentException("dicomgate.dimse.allow." + ae + ".identity is empty");
            }
            List<AddressRange> ranges = new ArrayList<>();
            for (String a : entry.addresses()) {
                ranges.add(AddressRange.parse(a.trim(), "dicomgate.dimse.allow." + ae + ".addresses"));
            }
            if (ranges.isEmpty()) {
                throw new IllegalArgumentException("dicomgate.dimse.allow." + ae + ".addresses is empty");
            }
            peers.put(ae, new Peer(ae, List.copyOf(ranges), entry.identity().trim(), entry.requireUserIdentity()));
        });
        return new AllowList(Map.copyOf(peers));
    }

    /** The entry of this calling AE title when it may connect from {@code address}. */
    Optional<Peer> match(String callingAeTitle, InetAddress address) {
        Peer peer = peers.get(callingAeTitle.trim());
        return peer != null && peer.allows(address) ? Optional.of(peer) : Optional.empty();
    }

    /** Whether any entry lists this address (others are disconnected before TLS or any PDU). */
    boolean knows(InetAddress address) {
        return peers.values().stream().anyMatch(p -> p.allows(address));
    }

    boolean isEmpty() {
        return peers.isEmpty();
    }

    /** An IP address or a CIDR range of IPv4 or IPv6 addresses. */
    record AddressRange(byte[] network, int prefix) {

        static AddressRange parse(String text, String property) {
            int slash = text.indexOf('/');
            String literal = slash < 0 ? text : text.substring(0, slash);
            if (!IPV4.matcher(literal).matches() && !literal.contains(":")) {
                throw new IllegalArgumentException(property + ": '" + text + "' is not an IP address or CIDR range");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(literal).getAddress(); // a literal: no DNS lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(property + ": '" + text + "' is not an IP address or CIDR range");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException(property + ": '" + text + "' has an invalid prefix length");
                }
            }
            return new AddressRange(bytes, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
