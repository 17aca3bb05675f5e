package io.dicomgate.qido;

import java.util.List;

/**
 * @param rows the matches to return
 * @param warnings texts for {@code Warning: 299} headers (PS3.18 §8.3.4.4, §8.3.4.5)
 */
public record QidoResult(QidoQuery query, List<QidoRow> rows, List<String> warnings) {
}
