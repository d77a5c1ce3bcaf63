package io.ringbolt.jackson;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ringbolt.http.json.JsonReadException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JacksonJsonMapperTest {
    record Item(String name, int price, List<String> tags) {
    }

    final JacksonJsonMapper mapper = JacksonJsonMapper.create();

    Object read(String json, java.lang.reflect.Type type) {
        byte[] b = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8);
        return mapper.read(b, 2, b.length - 4, type);
    }

    @Test
    void roundTripsARecordAndAGenericList() {
        Item item = new Item("lamp", 12, List.of("a", "b"));
        String json = new String(mapper.write(item), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"name\":\"lamp\",\"price\":12,\"tags\":[\"a\",\"b\"]}");
        assertThat(read(json, Item.class)).isEqualTo(item);
        Object list = read("[" + json + "," + json + "]", new TypeReference<List<Item>>() { }.getType());
        assertThat(list).isEqualTo(List.of(item, item));
    }

    @Test
    void malformedJsonSaysWhereButNotWhat() {
        assertThatThrownBy(() -> read("{\"name\": secret-token", Item.class))
                .isInstanceOf(JsonReadException.class)
                .hasMessageStartingWith("malformed JSON at line 1, column")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> read("{} trailing", Map.class)).isInstanceOf(JsonReadException.class);
    }

    @Test
    void typeMismatchesNameThePath() {
        assertThatThrownBy(() -> read("{\"name\":\"x\",\"price\":\"twelve\"}", Item.class))
                .isInstanceOf(JsonReadException.class).hasMessage("JSON does not match the expected type at $.price");
        assertThatThrownBy(() -> read("[{\"name\":\"x\",\"tags\":[1,{}]}]", new TypeReference<List<Item>>() { }.getType()))
                .isInstanceOf(JsonReadException.class).hasMessage("JSON does not match the expected type at $[0].tags[1]");
        assertThatThrownBy(() -> read("{\"nope\":1}", Item.class))
                .isInstanceOf(JsonReadException.class).hasMessage("JSON does not match the expected type at $.nope");
        assertThatThrownBy(() -> read("[1]", Item.class))
                .isInstanceOf(JsonReadException.class).hasMessage("JSON does not match the expected type");
    }

    /** Jackson cannot build this (abstract, no mapping to a concrete type): the application's bug, not the client's. */
    interface Unbuildable {
        int x();
    }

    @Test
    void aTypeJacksonCannotBuildIsNotTheClientsFault() {
        assertThatThrownBy(() -> read("{}", Unbuildable.class))
                .isInstanceOf(IllegalStateException.class).isNotInstanceOf(JsonReadException.class);
    }
}
