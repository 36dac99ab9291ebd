using Personalization.Ingest;
using Personalization.Pipeline;

namespace Personalization.Tests.IngestChecks;

public class ValidationOptionsValidatorTests
{
    [Test]
    public void The_defaults_are_valid()
    {
        var errors = new List<string>();

        ValidationOptionsValidator.Validate(errors, new ValidationOptions());

        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void Every_bad_setting_is_named_with_its_value_in_the_pipelines_options_error()
    {
        var options = new PersonalizationOptions { DataDirectory = "data" };
        options.Validation.MaxEventBytes = 10;
        options.Validation.MaxDepth = 1_000;
        options.Validation.MaxProperties = 0;
        options.Validation.MaxStringLength = 1;
        options.Validation.MaxFutureSkew = TimeSpan.FromHours(-1);
        options.Validation.SchemaVersion = 2;
        options.Validation.AddUpcaster(2, e => e);

        var result = new PersonalizationOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Has.Some.Contains("Validation.MaxEventBytes").And.Some.Contains("it is 10.")
            .And.Some.Contains("Validation.MaxDepth").And.Some.Contains("Validation.MaxProperties")
            .And.Some.Contains("Validation.MaxStringLength").And.Some.Contains("Validation.MaxFutureSkew")
            .And.Some.Contains("upcaster from version 2"));
    }

    [Test]
    public void Two_schemas_for_one_event_are_an_error()
    {
        var options = new ValidationOptions().AddSchema("A", "{}").AddSchema("A", "true");
        var errors = new List<string>();

        ValidationOptionsValidator.Validate(errors, options);

        Assert.That(errors, Has.One.Contains("two schemas for 'A'"));
    }
}
