namespace Personalization.Benchmarks.Load;

/// <summary>The names of the systems the <c>load</c> command measures, as they appear in its options and JSON.</summary>
internal static class SystemNames
{
    public const string Personalization = "personalization";
    public const string Dataflow = "dataflow";
    public const string Redis = "redis";
}
