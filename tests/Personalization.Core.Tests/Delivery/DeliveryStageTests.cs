using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Personalization.DeadLetters;
using Personalization.Delivery;
using Personalization.Delivery.Templates;
using Personalization.Profiles;
using Personalization.Storage;
using Personalization.Tests.DeadLetters;
using Personalization.Tests.Support;
using Personalization.Triggers;

namespace Personalization.Tests.Delivery;

/// <summary>
/// The send ledger and the outbox: a send key that ended is never dispatched again, across a retry of the decision,
/// a clean restart and a crash; a decision taken before a crash is delivered after it.
/// </summary>
public class DeliveryStageTests
{
    private const string Html = "<p>Hi {{ profile.first_name }}</p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>";

    [Test]
    public async Task A_decision_is_rendered_addressed_and_sent_with_the_unsubscribe_and_trigger_headers()
    {
        using var directory = new TempDirectory();
        var dispatcher = new RecordingDispatcher();
        await using (var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", "ada@example.com", "Ada")))
        {
            run.Stage.Submit(Intent("cart:u1:1", "u1"));
            await run.DrainAsync();
            Assert.That(run.Stage.GetSend("cart:u1:1")?.Status, Is.EqualTo(SendStatus.Sent));
        }

        var message = dispatcher.Messages.Single();
        Assert.Multiple(() =>
        {
            Assert.That(message.To, Is.EqualTo("ada@example.com"));
            Assert.That(message.Subject, Is.EqualTo("For Ada"));
            Assert.That(message.HtmlBody, Does.Contain("<p>Hi Ada</p>"));
            Assert.That(message.MessageId, Is.EqualTo("cart=3Au1=3A1@shop.test"));
            Assert.That(message.UnsubscribeUrl, Does.StartWith("https://shop.test/u?user=u1&t="));
            Assert.That(message.Headers, Does.Contain(new KeyValuePair<string, string>("List-Unsubscribe", "<" + message.UnsubscribeUrl + ">")));
            Assert.That(message.Headers, Does.Contain(new KeyValuePair<string, string>("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")));
            Assert.That(message.Headers, Does.Contain(new KeyValuePair<string, string>("X-Personalization-Trigger", "cart")));
            Assert.That(message.Headers, Does.Contain(new KeyValuePair<string, string>("X-Personalization-Send-Key", "cart:u1:1")));
        });
    }

    [Test]
    public async Task The_same_send_key_twice_is_dispatched_once()
    {
        using var directory = new TempDirectory();
        var dispatcher = new RecordingDispatcher();
        await using var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", "ada@example.com", "Ada"));

        run.Stage.Submit(Intent("cart:u1:1", "u1"));
        run.Stage.Submit(Intent("cart:u1:1", "u1"));
        await run.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Messages, Has.Count.EqualTo(1));
            Assert.That(run.Stage.Counts.Duplicates, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_send_key_sent_before_a_clean_restart_is_not_sent_again_after_it()
    {
        using var directory = new TempDirectory();
        var dispatcher = new RecordingDispatcher();
        await using (var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", "ada@example.com", "Ada")))
        {
            run.Stage.Submit(Intent("cart:u1:1", "u1"));
            await run.DrainAsync();
            await run.CheckpointAndTruncateAsync();
        }

        await using (var run = await StageRun.StartAsync(directory.Path, dispatcher))
        {
            run.Stage.Submit(Intent("cart:u1:1", "u1"));
            await run.DrainAsync();
            Assert.That(run.Stage.Counts.Duplicates, Is.EqualTo(1));
        }

        Assert.That(dispatcher.Messages, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_send_key_sent_before_a_crash_is_not_sent_again_after_it()
    {
        using var directory = new TempDirectory();
        var dispatcher = new RecordingDispatcher();
        await using (var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", "ada@example.com", "Ada")))
        {
            run.Stage.Submit(Intent("cart:u1:1", "u1"));
            await run.DrainAsync();
            // No checkpoint: as in a crash, the store loses everything since its last one (there is none).
        }

        await using (var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", "ada@example.com", "Ada")))
        {
            Assert.That(run.Stage.GetSend("cart:u1:1")?.Status, Is.EqualTo(SendStatus.Sent), "the ending is rebuilt from the outbox");
            run.Stage.Submit(Intent("cart:u1:1", "u1"));
            await run.DrainAsync();
        }

        Assert.That(dispatcher.Messages, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_decision_taken_before_a_crash_and_not_yet_sent_is_sent_after_it()
    {
        using var directory = new TempDirectory();
        var blocked = new RecordingDispatcher { Block = true };
        await using (var run = await StageRun.StartAsync(directory.Path, blocked, Profile("u1", "ada@example.com", "Ada")))
        {
            run.Stage.Submit(Intent("cart:u1:1", "u1"));
            await blocked.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var dispatcher = new RecordingDispatcher();
        await using (var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", "ada@example.com", "Ada")))
        {
            await run.DrainAsync();
        }

        Assert.That(dispatcher.Messages.Select(m => m.SendKey), Is.EqualTo(new[] { "cart:u1:1" }));
    }

    [Test]
    public async Task A_user_without_an_address_is_skipped_with_no_address_and_nothing_is_dispatched()
    {
        using var directory = new TempDirectory();
        var dispatcher = new RecordingDispatcher();
        await using var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", email: null, "Ada"));

        run.Stage.Submit(Intent("cart:u1:1", "u1"));
        await run.DrainAsync();

        var send = run.Stage.GetSend("cart:u1:1");
        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Messages, Is.Empty);
            Assert.That(send?.Status, Is.EqualTo(SendStatus.Skipped));
            Assert.That(send?.Reason, Is.EqualTo(DeliveryReasons.NoAddress));
            Assert.That(run.Stage.Counts.Skipped, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_user_who_unsubscribed_after_the_decision_is_skipped()
    {
        using var directory = new TempDirectory();
        var dispatcher = new RecordingDispatcher();
        var profile = Profile("u1", "ada@example.com", "Ada");
        profile.Traits["unsubscribed"] = true;
        await using var run = await StageRun.StartAsync(directory.Path, dispatcher, profile);

        run.Stage.Submit(Intent("cart:u1:1", "u1"));
        await run.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Messages, Is.Empty);
            Assert.That(run.Stage.GetSend("cart:u1:1")?.Reason, Is.EqualTo(DeliveryReasons.Unsubscribed));
        });
    }

    [Test]
    public async Task A_permanent_refusal_goes_to_dead_letters_after_one_attempt_with_the_platform_error()
    {
        using var directory = new TempDirectory();
        var dispatcher = new RecordingDispatcher { Failure = new EmailDispatchException("550 5.1.1 mailbox unavailable", permanent: true) };
        await using (var run = await StageRun.StartAsync(directory.Path, dispatcher, Profile("u1", "ada@example.com", "Ada")))
        {
            run.Stage.Submit(Intent("cart:u1:1", "u1"));
            await run.DrainAsync();
            var send = run.Stage.GetSend("cart:u1:1");
            Assert.Multiple(() =>
            {
                Assert.That(send?.Status, Is.EqualTo(SendStatus.Failed));
                Assert.That(send?.Reason, Is.EqualTo(DeliveryReasons.Rejected));
                Assert.That(send?.Attempts, Is.EqualTo(1));
                Assert.That(send?.Error, Does.Contain("550 5.1.1 mailbox unavailable"));
            });
        }

        var deadLetter = DeadLetterFiles.Read(directory.Path).Single();
        Assert.Multiple(() =>
        {
            Assert.That(deadLetter.Kind, Is.EqualTo(DeadLetterKind.FailedSend));
            Assert.That((deadLetter.SendKey, deadLetter.Trigger, deadLetter.UserId, deadLetter.To), Is.EqualTo(("cart:u1:1", "cart", "u1", "ada@example.com")));
            Assert.That((deadLetter.Reason, deadLetter.Attempts), Is.EqualTo((DeliveryReasons.Rejected, 1)));
            Assert.That(deadLetter.Error, Does.Contain("550 5.1.1 mailbox unavailable"));
        });
    }

    private static CustomerProfile Profile(string userId, string? email, string firstName)
    {
        var profile = new CustomerProfile { UserId = userId };
        if (email is not null)
        {
            profile.Traits["email"] = email;
        }

        profile.Traits["first_name"] = firstName;
        return profile;
    }

    private static SendIntent Intent(string sendKey, string userId)
    {
        var due = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        return new SendIntent(sendKey, "cart", userId, userId, due.AddHours(-1), due, "cart", ["entered", "fired"]);
    }

    /// <summary>A delivery stage on its own store in a directory, as the pipeline runs it.</summary>
    private sealed class StageRun : IAsyncDisposable
    {
        private readonly FasterKeyValueStore _store;
        private readonly Meter _meter;
        private readonly Task _reader;

        private StageRun(FasterKeyValueStore store, DeliveryStage stage, Meter meter)
        {
            _store = store;
            _meter = meter;
            Stage = stage;
            _reader = Task.Run(stage.RunAsync);
        }

        public DeliveryStage Stage { get; }

        public static Task<StageRun> StartAsync(string directory, IEmailDispatcher dispatcher, params CustomerProfile[] profiles)
        {
            var store = FasterKeyValueStore.Open(Path.Combine(directory, "store"), Path.Combine(directory, "checkpoints"), new StoreOptions());
            using (var session = store.OpenSession())
            {
                foreach (var profile in profiles)
                {
                    var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                    ProfileSerializer.Serialize(buffer, profile);
                    session.Upsert(StoreKeys.Create(StoreKeys.Profile, profile.UserId), buffer.WrittenSpan);
                }
            }

            var options = new DeliveryOptions
            {
                Dispatcher = dispatcher,
                From = "Shop <news@shop.test>",
                UnsubscribeUrl = "https://shop.test/u?user={user_id}&t={token}",
                UnsubscribeSigningKey = "secret",
            };
            options.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
            options.Templates.Add(new EmailTemplate("cart", "For {{ profile.first_name }}", Html));
            var templates = TemplateSet.Compile(options.Templates, options.TemplateLimits);
            var meter = new Meter("Personalization.Tests.Delivery");
            var stage = new DeliveryStage(options, templates, TimeProvider.System, eventTime: false, meter, NullLogger.Instance);
            stage.Open(directory, store);
            return Task.FromResult(new StageRun(store, stage, meter));
        }

        public async Task DrainAsync()
        {
            await Stage.DrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            await _reader;
        }

        public async Task CheckpointAndTruncateAsync()
        {
            await _store.CheckpointAsync(CancellationToken.None);
            await Stage.TruncateAsync(CancellationToken.None);
        }

        // Closes without a checkpoint, as a crash would: the store keeps only its last checkpoint.
        public async ValueTask DisposeAsync()
        {
            await Stage.DisposeAsync();
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _store.DisposeAsync();
            _meter.Dispose();
        }
    }

    private sealed class RecordingDispatcher : IEmailDispatcher
    {
        private readonly List<EmailMessage> _messages = [];

        public string Name => "recording";

        public bool Block { get; init; }

        public Exception? Failure { get; init; }

        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<EmailMessage> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public async Task DispatchAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            Called.TrySetResult();
            if (Block)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (Failure is not null)
            {
                throw Failure;
            }

            lock (_messages)
            {
                _messages.Add(message);
            }
        }
    }
}
