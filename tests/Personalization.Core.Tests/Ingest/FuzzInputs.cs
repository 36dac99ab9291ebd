using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace Personalization.Tests.IngestChecks;

/// <summary>One fuzz input: a payload, and how many results it must get when sent to a batch endpoint
/// (<see langword="null"/> when that is not known, as for random bytes: at least one).</summary>
public sealed record FuzzInput(byte[] Payload, int? Events, string Kind)
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Payload, 0, Math.Min(Payload.Length, 300));
        return $"{Kind} ({Payload.Length} bytes, {Events?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} events): {text}";
    }
}

/// <summary>
/// Random and mutated Segment JSON for the fuzz tests. Mutations of valid events work on bytes (flips, truncation,
/// invalid UTF-8, deep nesting as text, random unicode) or on the JSON tree (type swaps, huge strings, junk ids and
/// amounts, many keys, missing fields), so that a batch of tree-mutated items is still valid JSON with a known count.
/// Each mutation draws from a <see cref="Random"/> seeded by CsCheck, so a failure is reproducible from its seed.
/// </summary>
public static class FuzzInputs
{
    private static readonly string[] s_bases =
    [
        """{"type":"track","event":"Product Added","messageId":"b-1","userId":"u-1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"1005115","price":12.5,"quantity":1,"category":"electronics.smartphone"}}""",
        """{"type":"track","event":"Order Completed","messageId":"b-2","anonymousId":"a-1","timestamp":"2019-10-01T00:00:01Z","properties":{"order_id":"o-1","revenue":"25.00","products":[{"product_id":"1","price":10,"quantity":2},{"product_id":"2","price":5}]}}""",
        """{"type":"identify","messageId":"b-3","userId":"u-2","anonymousId":"a-2","timestamp":"2019-10-01T00:00:02Z","traits":{"email":"ann@example.com","first_name":"Ann","address":{"city":"Berlin"}}}""",
        """{"type":"page","name":"Home","messageId":"b-4","userId":"u-3","timestamp":"2019-10-01T00:00:03.250+02:00","properties":{"url":"https://example.com/"},"context":{"locale":"de-DE","schema_version":1}}""",
        """{"type":"alias","messageId":"b-5","userId":"u-4","previousId":"a-4","timestamp":"2019-10-01T00:00:04Z"}""",
    ];

    private static readonly string[] s_junkValues =
        ["", " ", "null", "undefined", "[object Object]", "0", "-1", "NaN", "Infinity", "-5", "12,50", "1e400", "2999-01-01T00:00:00Z", "yesterday", "\u0000", "\ud83d\ude00"];

    private static readonly string[] s_keys =
        ["type", "event", "messageId", "userId", "anonymousId", "previousId", "timestamp", "name", "properties", "traits", "context"];

    private static readonly string[] s_propertyKeys = ["price", "revenue", "total", "value", "quantity", "products", "product_id", "schema_version"];

    /// <summary>A single mutated event: exactly one result.</summary>
    public static readonly Gen<FuzzInput> Mutated =
        Gen.Select(Gen.Int[0, s_bases.Length - 1], Gen.Int[0, 9], Gen.Int, (b, m, seed) => MutateBytes(s_bases[b], m, new Random(seed)));

    /// <summary>A batch of 1 to 12 tree-mutated items (and a few non-object items): exactly that many results.</summary>
    public static readonly Gen<FuzzInput> Batches = Gen.Select(Gen.Int[1, 12], Gen.Int, (n, seed) => Batch(n, new Random(seed)));

    /// <summary>Random bytes and random text: at least one result.</summary>
    public static readonly Gen<FuzzInput> Random =
        Gen.Frequency((1, Gen.Byte.Array[0, 400].Select(bytes => new FuzzInput(bytes, null, "random bytes"))),
                      (1, Gen.String.Select(text => new FuzzInput(Encoding.UTF8.GetBytes(text), null, "random text"))));

    /// <summary>All of the above.</summary>
    public static readonly Gen<FuzzInput> Any = Gen.Frequency((4, Mutated), (4, Batches), (1, Random));

    private static FuzzInput MutateBytes(string json, int mutation, Random random)
    {
        if (mutation >= 6)
        {
            // A tree mutation, sent on its own.
            return new FuzzInput(Encoding.UTF8.GetBytes(MutateTree(json, random)), 1, "tree mutation");
        }

        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        switch (mutation)
        {
            case 0:
                for (var i = random.Next(1, 6); i > 0; i--)
                {
                    var at = random.Next(bytes.Count);
                    bytes[at] = (byte)(bytes[at] ^ (1 << random.Next(8)));
                }

                return new FuzzInput([.. bytes], 1, "byte flips");
            case 1:
                return new FuzzInput([.. bytes.Take(random.Next(bytes.Count))], 1, "truncation");
            case 2:
                byte[][] invalid = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBB, 0xBF]];
                bytes.InsertRange(random.Next(bytes.Count + 1), invalid[random.Next(invalid.Length)]);
                return new FuzzInput([.. bytes], 1, "invalid UTF-8");
            case 3:
                var depth = random.Next(2) == 0 ? random.Next(1, 80) : random.Next(1_000, 100_000);
                return new FuzzInput(Encoding.UTF8.GetBytes(ReplaceFirstValue(json, new string('[', depth) + new string(']', depth), random)), 1, "deep nesting");
            case 4:
                var text = new StringBuilder();
                for (var i = random.Next(1, 40); i > 0; i--)
                {
                    text.Append((char)random.Next(0x20, 0xD800));
                }

                return new FuzzInput(Encoding.UTF8.GetBytes(ReplaceFirstValue(json, "\"" + text.ToString().Replace("\\", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal) + "\"", random)), 1, "random unicode");
            default:
                string[] escapes = ["\"\\ud800\"", "\"\\udfff x\"", "\"\\u0000\"", "\"\\x\"", "\"\\u12\"", "01", "-", "1.", "+1", "tru", "nul"];
                return new FuzzInput(Encoding.UTF8.GetBytes(ReplaceFirstValue(json, escapes[random.Next(escapes.Length)], random)), 1, "bad escapes and literals");
        }
    }

    // Sets a random top-level key (or a property) to the given JSON text, which need not be valid JSON.
    private static string ReplaceFirstValue(string json, string value, Random random)
    {
        const string marker = "@@fuzz@@";
        var e = JsonNode.Parse(json)!.AsObject();
        var target = random.Next(3) == 0 && e["properties"] is JsonObject p ? p : e;
        target[random.Next(2) == 0 ? s_keys[random.Next(s_keys.Length)] : s_propertyKeys[random.Next(s_propertyKeys.Length)]] = marker;
        return e.ToJsonString().Replace("\"" + marker + "\"", value, StringComparison.Ordinal);
    }

    private static FuzzInput Batch(int count, Random random)
    {
        var items = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(random.Next(12) switch
            {
                0 => new[] { "42", "\"event\"", "[]", "null", "true", "[{}]" }[random.Next(6)],
                _ => MutateTree(s_bases[random.Next(s_bases.Length)], random),
            });
        }

        var prefix = random.Next(3) == 0 ? "\"sentAt\":\"2019-10-01T00:00:05Z\"," : string.Empty;
        return new FuzzInput(Encoding.UTF8.GetBytes($"{{{prefix}\"batch\":[{string.Join(",", items)}]}}"), count, "batch");
    }

    // One to three changes to the JSON tree; the result is always valid JSON (an object).
    private static string MutateTree(string json, Random random)
    {
        var e = JsonNode.Parse(json)!.AsObject();

        // Mostly fresh ids, so that most events are accepted; sometimes a repeated one, for duplicates.
        e["messageId"] = random.Next(8) == 0 ? "dup-" + random.Next(4) : "f-" + Guid.NewGuid().ToString("N");
        e["userId"] = "u-" + random.Next(50);
        for (var changes = random.Next(0, 4); changes > 0; changes--)
        {
            var target = random.Next(3) == 0 && e["properties"] is JsonObject p ? p : e;
            var key = target == e ? s_keys[random.Next(s_keys.Length)] : s_propertyKeys[random.Next(s_propertyKeys.Length)];
            switch (random.Next(6))
            {
                case 0: target.Remove(key); break;
                case 1: target[key] = RandomValue(random, 0); break;
                case 2: target[key] = s_junkValues[random.Next(s_junkValues.Length)]; break;
                case 3: target[key] = new string('z', random.Next(7_000, 40_000)); break;
                case 4: target[key] = Nest(random.Next(1, 60)); break;
                default:
                    var many = new JsonObject();
                    for (var i = random.Next(900, 1_100); i > 0; i--)
                    {
                        many["k" + i] = i;
                    }

                    target[key] = many;
                    break;
            }
        }

        return e.ToJsonString();
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 5 : 7) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => random.NextDouble() * random.Next(-1_000, 1_000),
        3 => JsonNode.Parse(new[] { "1e400", "-1e400", "-0", "9223372036854775808", "1e-400", "123456789012345678901234567890" }[random.Next(6)]),
        4 => new string((char)random.Next(0x20, 0x7F), random.Next(0, 20)),
        5 => new JsonArray(RandomValue(random, depth + 1), RandomValue(random, depth + 1)),
        _ => new JsonObject { ["a"] = RandomValue(random, depth + 1), ["price"] = RandomValue(random, depth + 1) },
    };

    private static JsonNode Nest(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["n"] = node };
        }

        return node;
    }
}
