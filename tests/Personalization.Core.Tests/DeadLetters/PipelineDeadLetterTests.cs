using System.Text;
using Personalization.DeadLetters;
using Personalization.Events;
using Personalization.Ingest;
using Personalization.Pipeline;
using Personalization.Tests.Support;

namespace Personalization.Tests.DeadLetters;

/// <summary>What the pipeline keeps in its dead letters, and the replay of rejected events after a fix.</summary>
public class PipelineDeadLetterTests
{
    private const string ProductAddedSchema = """
        { "type": "object", "required": ["product_id", "price"],
          "properties": { "product_id": { "type": "string" }, "price": { "type": "number" } } }
        """;

    [Test]
    public async Task Events_rejected_by_a_tracking_plan_are_replayed_after_the_plan_is_fixed_and_leave_the_dead_letters()
    {
        using var directory = new TempDirectory();
        var withoutPrice = Json("m-1", "u1", """{"product_id":"p1"}""");
        var withPrice = Json("m-2", "u2", """{"product_id":"p2","price":3.5}""");
        var notJson = Encoding.UTF8.GetBytes("{\"type\":\"track\",");

        // A plan that wrongly requires a price: one event is rejected, the broken payload is rejected anyway.
        var strict = TestPipelines.Options(directory.Path, shardCount: 2);
        strict.Validation.AddSchema(EcommerceEvents.ProductAdded, ProductAddedSchema);
        await using (var pipeline = await TestPipelines.StartAsync(strict))
        {
            var results = new[] { await pipeline.IngestAsync(withoutPrice), await pipeline.IngestAsync(withPrice), await pipeline.IngestAsync(notJson) };
            Assert.That(results.Select(r => r.ReasonCode), Is.EqualTo(new[] { IngestReasons.SchemaViolation, null, IngestReasons.Malformed }));
        }

        // The plan is fixed (price optional) and the pipeline restarted on the same directory: the replay applies the
        // event that the plan rejected; the payload that is not JSON stays.
        var fixedPlan = TestPipelines.Options(directory.Path, shardCount: 2);
        fixedPlan.Validation.AddSchema(EcommerceEvents.ProductAdded, ProductAddedSchema.Replace("\"required\": [\"product_id\", \"price\"]", "\"required\": [\"product_id\"]"));
        await using var restarted = await TestPipelines.StartAsync(fixedPlan);
        Assert.That(restarted.DeadLetters.List(new DeadLetterQuery()).Select(d => d.Reason),
            Is.EqualTo(new[] { IngestReasons.SchemaViolation, IngestReasons.Malformed }), "the dead letters survived the restart");

        var replayed = await restarted.ReplayDeadLettersAsync(new DeadLetterQuery());
        await restarted.FlushAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(replayed.Select(r => (r.Entry.MessageId, r.Status)),
                Is.EqualTo(new (string?, IngestStatus)[] { ("m-1", IngestStatus.Accepted), (null, IngestStatus.Rejected) }));
            Assert.That((await restarted.GetAsync("u1"))!.Cart.Single().ProductId, Is.EqualTo("p1"), "the replayed event is applied");
            Assert.That(restarted.DeadLetters.List(new DeadLetterQuery()).Select(d => d.Reason), Is.EqualTo(new[] { IngestReasons.Malformed }),
                "the replayed entry left; the one still rejected stayed, once");
        });
    }

    [Test]
    public async Task An_event_a_flagging_plan_objects_to_is_accepted_with_the_reason_and_kept_as_flagged()
    {
        using var directory = new TempDirectory();
        var options = TestPipelines.Options(directory.Path, shardCount: 2);
        options.Validation.AddSchema(EcommerceEvents.ProductAdded, ProductAddedSchema, SchemaViolationAction.Flag);
        await using var pipeline = await TestPipelines.StartAsync(options);

        var result = await pipeline.IngestAsync(Json("m-1", "u1", """{"product_id":"p1"}"""));
        await pipeline.FlushAsync();

        var flagged = pipeline.DeadLetters.List(new DeadLetterQuery { Kinds = [DeadLetterKind.FlaggedEvent] }).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(IngestStatus.Accepted));
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.SchemaViolation));
            Assert.That(result.Message, Does.Contain("price"));
            Assert.That((await pipeline.GetAsync("u1"))!.Cart, Has.Count.EqualTo(1), "a flagged event is applied");
            Assert.That(flagged.MessageId, Is.EqualTo("m-1"));
            Assert.That(flagged.UserId, Is.EqualTo("u1"));
            Assert.That(flagged.Raw, Does.Contain("\"product_id\":\"p1\""));
        });
    }

    [Test]
    public async Task An_accepted_event_that_cannot_be_applied_is_kept_as_failed_and_the_pipeline_goes_on()
    {
        using var directory = new TempDirectory();
        await using var pipeline = await TestPipelines.StartAsync(directory.Path, shardCount: 2);

        // Each order is valid; the eleventh takes the profile's total past what a decimal holds (7.9e28).
        var huge = new Dictionary<string, object?> { ["revenue"] = 7.5e27 };
        for (var i = 1; i <= 11; i++)
        {
            await pipeline.IngestAsync(TestEvents.OrderCompleted("u1", huge, TestEvents.At(i), "order-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await pipeline.IngestAsync(TestEvents.Page("u1", at: TestEvents.At(20)));
        await pipeline.FlushAsync();
        await DurabilityWait.UntilAsync(() => pipeline.DeadLetters.List(new DeadLetterQuery { Kinds = [DeadLetterKind.FailedEvent] }).Count > 0);

        var failed = pipeline.DeadLetters.List(new DeadLetterQuery { Kinds = [DeadLetterKind.FailedEvent] }).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(failed.Reason, Is.EqualTo(IngestReasons.ProcessingError));
            Assert.That(failed.MessageId, Is.EqualTo("order-11"));
            Assert.That(failed.Message, Does.Contain("u1"));
            Assert.That((await pipeline.GetAsync("u1"))!.OrderCount, Is.EqualTo(10), "the profile keeps its state before the event");
            Assert.That((await pipeline.GetAsync("u1"))!.PageViews, Is.EqualTo(1), "the user's next event is applied");
        });
    }

    [Test]
    public async Task Erasing_a_user_removes_their_rejected_and_flagged_events_from_the_dead_letters()
    {
        using var directory = new TempDirectory();
        var options = TestPipelines.Options(directory.Path, shardCount: 2);
        options.Validation.AddSchema(EcommerceEvents.ProductAdded, ProductAddedSchema, SchemaViolationAction.Flag);
        await using var pipeline = await TestPipelines.StartAsync(options);

        await pipeline.IngestAsync(Json("m-1", "u1", """{"product_id":"p1"}"""));
        await pipeline.IngestAsync(Encoding.UTF8.GetBytes("""{"type":"track","event":"X","messageId":"m-2","userId":"u1","timestamp":"not a time"}"""));
        await pipeline.IngestAsync(Encoding.UTF8.GetBytes("""{"type":"track","event":"X","messageId":"m-3","userId":"u2","timestamp":"not a time"}"""));
        Assert.That(pipeline.DeadLetters.List(new DeadLetterQuery()), Has.Count.EqualTo(3));

        await pipeline.EraseUserAsync("u1");

        Assert.That(pipeline.DeadLetters.List(new DeadLetterQuery()).Select(d => d.MessageId), Is.EqualTo(new[] { "m-3" }));
    }

    private static byte[] Json(string messageId, string userId, string properties) => Encoding.UTF8.GetBytes(
        $$"""{"type":"track","event":"Product Added","messageId":"{{messageId}}","userId":"{{userId}}","timestamp":"2026-03-01T12:00:00Z","properties":{{properties}}}""");

    private static class DurabilityWait
    {
        public static Task UntilAsync(Func<bool> condition) => Durability.DurabilityKit.WaitUntilAsync(() => Task.FromResult(condition()));
    }
}
