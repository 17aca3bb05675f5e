package io.dicomgate.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.InvalidRequestException;

/**
 * PS3.18 §8.9 Retrieve Capabilities: {@code OPTIONS} on the service ({@code /dicomweb}) or any of its
 * resources answers a Capabilities Description, a WADL document (Annex H) whose {@code resources}
 * base is the service URL and whose {@code resource} is the Target Resource with its methods and
 * every child, plus an {@code Allow} header.
 *
 * <p>Discovery, like health: no token needed (the route is permitted for OPTIONS only in
 * {@code application.properties}). The document is the same for every caller and every UID and
 * never looks at stored data, so it reveals nothing about patients or whether a study exists.
 *
 * <p>A pre-matching filter rather than a resource class, so that {@code OPTIONS} on every path of the
 * service is answered here without a resource class sharing the feature resources' paths.
 */
public class Capabilities {

    /** The WADL media type (Annex H). */
    public static final String WADL = "application/vnd.sun.wadl+xml";

    /** One resource of Table H-1 as dicomgate implements it. */
    record Node(String segment, List<String> methods, String doc, List<Node> children) {
        static Node of(String segment, String methods, String doc, Node... children) {
            return new Node(segment, methods.isEmpty() ? List.of() : List.of(methods.split(",")), doc,
                    List.of(children));
        }

        boolean matches(String requestSegment) {
            return segment.startsWith("{") || segment.equals(requestSegment);
        }
    }

    /** The DICOMweb Studies Service of dicomgate (PS3.18 Table H-1 restricted to what exists). */
    static final Node SERVICE = Node.of("", "", "DICOMweb Studies Service (PS3.18 §10)",
            Node.of("studies", "GET,POST", "Search for Studies (§10.6); Store Instances (§10.5)",
                    Node.of("{study}", "GET,POST", "Retrieve Study (§10.4); Store Study Instances (§10.5)",
                            Node.of("metadata", "GET", "Retrieve Study Metadata (§10.4)"),
                            Node.of("rendered", "GET", "Retrieve Rendered Study (§10.4)"),
                            Node.of("thumbnail", "GET", "Retrieve Study Thumbnail (§10.4)"),
                            Node.of("instances", "GET", "Search for Study Instances (§10.6)"),
                            Node.of("series", "GET", "Search for Study Series (§10.6)",
                                    Node.of("{series}", "GET", "Retrieve Series (§10.4)",
                                            Node.of("metadata", "GET", "Retrieve Series Metadata (§10.4)"),
                                            Node.of("rendered", "GET", "Retrieve Rendered Series (§10.4)"),
                                            Node.of("thumbnail", "GET", "Retrieve Series Thumbnail (§10.4)"),
                                            Node.of("instances", "GET", "Search for Study Series Instances (§10.6)",
                                                    Node.of("{instance}", "GET", "Retrieve Instance (§10.4)",
                                                            Node.of("metadata", "GET", "Retrieve Instance Metadata (§10.4)"),
                                                            Node.of("rendered", "GET", "Retrieve Rendered Instance (§10.4)"),
                                                            Node.of("thumbnail", "GET", "Retrieve Instance Thumbnail (§10.4)"),
                                                            Node.of("bulkdata", "",
                                                                    "Bulkdata, addressed by the BulkDataURIs of the metadata",
                                                                    Node.of("{tag}", "GET", "Retrieve Instance Bulkdata (§10.4)")),
                                                            Node.of("frames", "", "Frames",
                                                                    Node.of("{frameList}", "GET", "Retrieve Frames (§10.4)",
                                                                            Node.of("rendered", "GET", "Retrieve Rendered Frames (§10.4)"),
                                                                            Node.of("thumbnail", "GET", "Retrieve Frame Thumbnail (§10.4)"))))))))),
            Node.of("series", "GET", "Search for Series (§10.6)"),
            Node.of("instances", "GET", "Search for Instances (§10.6)"));

    /** PS3.18 §8.9 Retrieve Capabilities on the service or any of its resources. */
    @ServerRequestFilter(preMatching = true)
    public Response options(ContainerRequestContext request) {
        if (!request.getMethod().equals("OPTIONS")) {
            return null;
        }
        String path = request.getUriInfo().getPath();
        if (!path.equals(DicomWebPaths.BASE) && !path.startsWith(DicomWebPaths.BASE + "/")) {
            return null;
        }
        return describe(path.substring(DicomWebPaths.BASE.length()), request.getHeaders().getFirst(HttpHeaders.ACCEPT),
                request.getUriInfo());
    }

    private static Response describe(String resource, String acceptHeader, UriInfo uri) {
        Node target = SERVICE;
        List<String> segments = new ArrayList<>();
        for (String segment : resource.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            Node next = target.children().stream().filter(n -> n.matches(segment)).findFirst().orElse(null);
            if (next == null) {
                return text(Response.Status.NOT_FOUND, "not found");
            }
            target = next;
            segments.add(segment);
        }
        AcceptHeader accept;
        try {
            accept = AcceptHeader.of(acceptHeader, null);
        } catch (InvalidRequestException e) {
            return text(Response.Status.BAD_REQUEST, e.getMessage());
        }
        if (!accept.accepts(WADL) && !accept.accepts("application/xml")) {
            return text(Response.Status.NOT_ACCEPTABLE, "the Capabilities Description is available as " + WADL);
        }
        Set<String> allow = new LinkedHashSet<>(target.methods());
        if (allow.contains("GET")) {
            allow.add("HEAD");
        }
        allow.add("OPTIONS");
        String base = DicomWebPaths.serviceUrl(uri);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<application xmlns=\"http://wadl.dev.java.net/2009/02\">\n")
                .append("  <resources base=\"").append(escape(base + "/")).append("\">\n");
        write(xml, target, segments.isEmpty() ? "" : String.join("/", segments), "    ");
        xml.append("  </resources>\n</application>\n");
        return Response.ok(xml.toString(), WADL + "; charset=utf-8").header("Allow", String.join(", ", allow))
                .build();
    }

    private static void write(StringBuilder xml, Node node, String path, String indent) {
        xml.append(indent).append("<resource path=\"").append(escape(path)).append("\">\n");
        xml.append(indent).append("  <doc>").append(escape(node.doc())).append("</doc>\n");
        if (path.startsWith("{")) {
            String name = path.substring(1, path.length() - 1);
            xml.append(indent).append("  <param name=\"").append(name).append("\" style=\"template\" type=\"xsd:string\""
                    + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"/>\n");
        }
        for (String method : node.methods()) {
            xml.append(indent).append("  <method name=\"").append(method).append("\"/>\n");
        }
        for (Node child : node.children()) {
            write(xml, child, child.segment(), indent + "  ");
        }
        xml.append(indent).append("</resource>\n");
    }

    private static Response text(Response.Status status, String body) {
        return Response.status(status).entity(body).type(MediaType.TEXT_PLAIN_TYPE).build();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
