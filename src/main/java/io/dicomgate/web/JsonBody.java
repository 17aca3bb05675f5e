package io.dicomgate.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.web.ControlCharacters;

/**
 * Reads a small JSON request body into a tree, bounded in size: the HTTP layer allows huge bodies
 * for STOW-RS, and a consent or review is a few kilobytes at most.
 */
@ApplicationScoped
public class JsonBody {

    static final int MAX_BYTES = 256 * 1024;

    private final ObjectMapper mapper;

    public JsonBody(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a tree, or null when it is empty. */
    public JsonNode read(InputStream in) {
        if (in == null) {
            return null;
        }
        try {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ClientErrorException(Status.REQUEST_ENTITY_TOO_LARGE);
            }
            if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
                return null;
            }
            JsonNode tree = mapper.readTree(bytes);
            refuseControlCharacters(tree, "body");
            return tree;
        } catch (JacksonException e) {
            // The parser's message quotes the body: not passed on.
            throw new io.dicomgate.dicom.InvalidRequestException("body is not valid JSON");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Field names and text values with a control character are {@code 400}, like query values (TAB, LF
     * and CR are allowed in values: reasons and comments are typed text).
     */
    private static void refuseControlCharacters(JsonNode node, String path) {
        if (node.isTextual()) {
            ControlCharacters.checkFreeText(path, node.textValue());
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                refuseControlCharacters(item, path + "[]");
            }
        } else if (node.isObject()) {
            for (var field : node.properties()) {
                ControlCharacters.check("a field name in " + path, field.getKey());
                refuseControlCharacters(field.getValue(), path.equals("body") ? field.getKey() : path + "." + field.getKey());
            }
        }
    }
}
