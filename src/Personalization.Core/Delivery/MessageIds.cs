using System.Globalization;
using System.Text;

namespace Personalization.Delivery;

/// <summary>
/// Turns a send key into a <c>Message-ID</c> (RFC 5322 <c>id-left@id-right</c>): the same key always gives the same
/// id, and different keys give different ids. Characters a dot-atom cannot hold are written as <c>=XX</c> (UTF-8
/// bytes in hex); <c>=</c> itself is escaped too, so the mapping can be read back.
/// </summary>
internal static class MessageIds
{
    public static string Create(string sendKey, string domain)
    {
        var builder = new StringBuilder(sendKey.Length + domain.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        var previousDot = true;
        for (var i = 0; i < sendKey.Length; i++)
        {
            var c = sendKey[i];
            // A dot may not start or end the left part, nor follow another dot.
            var dotAllowed = c == '.' && !previousDot && i < sendKey.Length - 1;
            if (c != '=' && (IsAtext(c) || dotAllowed))
            {
                builder.Append(c);
                previousDot = c == '.';
                continue;
            }

            var length = char.IsSurrogatePair(sendKey, i)
                ? Encoding.UTF8.GetBytes(sendKey.AsSpan(i++, 2), bytes)
                : Encoding.UTF8.GetBytes(sendKey.AsSpan(i, 1), bytes);
            foreach (var b in bytes[..length])
            {
                builder.Append('=').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }

            previousDot = false;
        }

        return builder.Append('@').Append(domain).ToString();
    }

    private static bool IsAtext(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '/' or '?' or '^' or '_' or '`' or '{' or '|' or '}' or '~';
}
