using System.Text.Json;
using Personalization.Triggers;

namespace Personalization.Samples.Replay;

/// <summary>Writes send decisions as one JSON object per line.</summary>
internal static class SendExport
{
    public static void Write(IEnumerable<SendIntent> intents, string path)
    {
        try
        {
            using var file = File.Create(path);
            using var writer = new Utf8JsonWriter(file);
            foreach (var intent in intents)
            {
                writer.WriteStartObject();
                writer.WriteString("send_key", intent.SendKey);
                writer.WriteString("trigger", intent.Trigger);
                writer.WriteString("user_id", intent.UserId);
                writer.WriteString("instance_key", intent.InstanceKey);
                writer.WriteString("entered", ProfileExport.Iso(intent.EnteredAt));
                writer.WriteString("due", ProfileExport.Iso(intent.Due));
                writer.WriteString("template", intent.Template);
                writer.WriteStartArray("reasons");
                foreach (var reason in intent.Reasons)
                {
                    writer.WriteStringValue(reason);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.Flush();
                writer.Reset();
                file.WriteByte((byte)'\n');
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReplayInputException($"cannot write the send decisions to '{path}': {ex.Message}", ex);
        }
    }
}
