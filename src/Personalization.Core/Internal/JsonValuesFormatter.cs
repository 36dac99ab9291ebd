using System.Collections;
using System.Globalization;
using MessagePack;
using MessagePack.Formatters;

namespace Personalization.Internal;

/// <summary>
/// Stores JSON-like values (see <see cref="Events.SegmentEvent"/>) in MessagePack and reads them back as the types the
/// JSON reader gives: <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <see cref="bool"/>,
/// <see langword="null"/>, <see cref="Dictionary{TKey, TValue}"/> of string to object and <see cref="List{T}"/> of object.
/// </summary>
/// <remarks>MessagePack's own <see cref="object"/> formatter reads maps back as <c>Dictionary&lt;object, object&gt;</c>
/// and arrays as <c>object[]</c>, which the profile rules (and users reading traits) do not recognise.</remarks>
internal sealed class JsonValuesFormatter : IMessagePackFormatter<IReadOnlyDictionary<string, object?>>
{
    public void Serialize(ref MessagePackWriter writer, IReadOnlyDictionary<string, object?> value, MessagePackSerializerOptions options) =>
        JsonValues.WriteMap(ref writer, value, options);

    public IReadOnlyDictionary<string, object?> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        JsonValues.ReadMap(ref reader, options);
}

/// <summary>The <see cref="JsonValuesFormatter"/> for members typed as a mutable dictionary.</summary>
internal sealed class JsonValuesDictionaryFormatter : IMessagePackFormatter<Dictionary<string, object?>>
{
    public void Serialize(ref MessagePackWriter writer, Dictionary<string, object?> value, MessagePackSerializerOptions options) =>
        JsonValues.WriteMap(ref writer, value, options);

    public Dictionary<string, object?> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        JsonValues.ReadMap(ref reader, options);
}

internal static class JsonValues
{
    public static void WriteMap(ref MessagePackWriter writer, IReadOnlyDictionary<string, object?>? map, MessagePackSerializerOptions options)
    {
        if (map is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(map.Count);
        if (map is Dictionary<string, object?> dictionary)
        {
            // The shape the parser and the profile use: its struct enumerator is not boxed (this runs for every event
            // written to the ingest log and every profile written to the store).
            foreach (var (key, value) in dictionary)
            {
                writer.Write(key);
                WriteValue(ref writer, value, options);
            }

            return;
        }

        foreach (var (key, value) in map)
        {
            writer.Write(key);
            WriteValue(ref writer, value, options);
        }
    }

    public static Dictionary<string, object?> ReadMap(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        options.Security.DepthStep(ref reader);
        try
        {
            var count = reader.ReadMapHeader();
            var map = new Dictionary<string, object?>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var key = reader.NextMessagePackType == MessagePackType.String
                    ? reader.ReadString() ?? string.Empty
                    : Convert.ToString(ReadValue(ref reader, options), CultureInfo.InvariantCulture) ?? string.Empty;
                map[key] = ReadValue(ref reader, options);
            }

            return map;
        }
        finally
        {
            reader.Depth--;
        }
    }

    // Values are written as they would come back from JSON, so a value reads back the same whichever way it was stored.
    private static void WriteValue(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
    {
        switch (value)
        {
            case null: writer.WriteNil(); break;
            case string s: writer.Write(s); break;
            case bool b: writer.Write(b); break;
            case long l: writer.Write(l); break;
            case int i: writer.Write(i); break;
            case short s: writer.Write(s); break;
            case sbyte s: writer.Write(s); break;
            case byte b: writer.Write(b); break;
            case ushort u: writer.Write(u); break;
            case uint u: writer.Write(u); break;
            case ulong u: writer.Write(u); break;
            case double d: writer.Write(d); break;
            case float f: writer.Write((double)f); break;
            case decimal m: writer.Write((double)m); break;
            case DateTimeOffset t: writer.Write(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTime t: writer.Write(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case IReadOnlyDictionary<string, object?> map: WriteMap(ref writer, map, options); break;
            case IDictionary map:
                writer.WriteMapHeader(map.Count);
                foreach (DictionaryEntry entry in map)
                {
                    writer.Write(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(ref writer, entry.Value, options);
                }

                break;
            case IEnumerable items:
                var list = items as ICollection ?? items.Cast<object?>().ToList();
                writer.WriteArrayHeader(list.Count);
                foreach (var item in list)
                {
                    WriteValue(ref writer, item, options);
                }

                break;
            default: writer.Write(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static object? ReadValue(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    var unsigned = reader.ReadUInt64();
                    return unsigned <= long.MaxValue ? (long)unsigned : (double)unsigned;
                }

                return reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Map:
                return ReadMap(ref reader, options);
            case MessagePackType.Array:
                options.Security.DepthStep(ref reader);
                try
                {
                    var count = reader.ReadArrayHeader();
                    var items = new List<object?>(count);
                    for (var i = 0; i < count; i++)
                    {
                        items.Add(ReadValue(ref reader, options));
                    }

                    return items;
                }
                finally
                {
                    reader.Depth--;
                }

            default:
                return PrimitiveObjectFormatter.Instance.Deserialize(ref reader, options);
        }
    }
}
