using System.Collections.Concurrent;
using System.Globalization;

namespace Personalization.Delivery.Templates;

/// <summary>
/// Number formats for money: the culture's currency pattern and separators with the symbol and decimals of an ISO
/// 4217 code (<c>12,50 €</c> for de-DE and EUR, <c>$12.50</c> for en-US and USD). Codes not in the table are written
/// as themselves (<c>12.50 CHF</c>).
/// </summary>
internal static class CurrencyFormats
{
    /// <summary>The currency of profiles without a <c>currency</c> trait.</summary>
    public const string DefaultCurrency = "USD";

    private const int MaxCached = 4096;

    private static readonly Dictionary<string, (string Symbol, int Decimals)> s_known = new(StringComparer.Ordinal)
    {
        ["USD"] = ("$", 2), ["EUR"] = ("€", 2), ["GBP"] = ("£", 2), ["JPY"] = ("¥", 0), ["CNY"] = ("CN¥", 2),
        ["INR"] = ("₹", 2), ["CAD"] = ("CA$", 2), ["AUD"] = ("A$", 2), ["NZD"] = ("NZ$", 2), ["HKD"] = ("HK$", 2),
        ["SGD"] = ("S$", 2), ["MXN"] = ("MX$", 2), ["BRL"] = ("R$", 2), ["KRW"] = ("₩", 0), ["PLN"] = ("zł", 2),
        ["SEK"] = ("kr", 2), ["NOK"] = ("kr", 2), ["DKK"] = ("kr.", 2), ["TRY"] = ("₺", 2), ["ZAR"] = ("R", 2),
        ["ILS"] = ("₪", 2), ["CZK"] = ("Kč", 2), ["HUF"] = ("Ft", 2), ["RUB"] = ("₽", 2), ["CHF"] = ("CHF", 2),
    };

    private static readonly ConcurrentDictionary<(string Culture, string Code), NumberFormatInfo> s_formats = new();

    /// <summary>The upper-case code if <paramref name="value"/> is three ASCII letters, else <see langword="null"/>.</summary>
    public static string? Normalize(object? value)
    {
        if (value is not string { Length: 3 } code || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1])
            || !char.IsAsciiLetter(code[2]))
        {
            return null;
        }

        return char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]) && char.IsAsciiLetterUpper(code[2])
            ? code
            : code.ToUpperInvariant();
    }

    /// <summary>Formats <paramref name="amount"/> in <paramref name="code"/> (a normalized code) for <paramref name="culture"/>.</summary>
    public static string Format(decimal amount, string code, CultureInfo culture) =>
        amount.ToString("C", Get(culture, code));

    /// <summary>The read-only number format for <paramref name="code"/> (a normalized code) in <paramref name="culture"/>.</summary>
    public static NumberFormatInfo Get(CultureInfo culture, string code)
    {
        var key = (culture.Name, code);
        if (s_formats.TryGetValue(key, out var format))
        {
            return format;
        }

        format = (NumberFormatInfo)culture.NumberFormat.Clone();
        var (symbol, decimals) = s_known.TryGetValue(code, out var known) ? known : (code, 2);
        format.CurrencySymbol = symbol;
        format.CurrencyDecimalDigits = decimals;
        if (symbol.Length == 3 && symbol == code && format.CurrencyPositivePattern == 0)
        {
            // "$n" would run a code into the digits ("CHF12.50"): put a space between.
            format.CurrencyPositivePattern = 2;
            format.CurrencyNegativePattern = 12;
        }

        format = NumberFormatInfo.ReadOnly(format);
        if (s_formats.Count < MaxCached)
        {
            s_formats.TryAdd(key, format);
        }

        return format;
    }
}
