using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.Tests.Support;

namespace Personalization.Tests.Delivery;

[TestFixture]
public sealed class PickupDirectoryDispatcherTests
{
    [Test]
    public async Task Each_email_becomes_one_eml_file_that_MimeKit_loads_with_its_headers_and_parts()
    {
        using var directory = new TempDirectory();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var dispatcher = new PickupDirectoryDispatcher(new PickupDirectoryOptions { Directory = directory.Path }, clock);

        await dispatcher.DispatchAsync(Email(1), CancellationToken.None);
        await dispatcher.DispatchAsync(Email(2), CancellationToken.None);

        var files = Directory.GetFiles(directory.Path);
        Assert.That(files, Has.Length.EqualTo(2).And.All.EndsWith(".eml"));
        var messages = files.Select(f => MimeMessage.Load(f)).ToDictionary(m => m.MessageId!);
        var first = messages[Email(1).MessageId];
        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Name, Is.EqualTo("pickup"));
            Assert.That(messages.Keys, Is.EquivalentTo(new[] { Email(1).MessageId, Email(2).MessageId }));
            Assert.That(first.From.Mailboxes.Single().Address, Is.EqualTo("news@shop.example"));
            Assert.That(first.To.Mailboxes.Single().Address, Is.EqualTo("user-1@example.com"));
            Assert.That(first.Subject, Is.EqualTo("Hello user 1"));
            Assert.That(first.Date, Is.EqualTo(clock.GetUtcNow()));
            Assert.That(first.Body!.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
            Assert.That(first.HtmlBody, Does.Contain("<p>Hello user 1</p>"));
            Assert.That(first.TextBody, Does.Contain("Hello user 1"));
            Assert.That(first.Headers["List-Unsubscribe"], Is.EqualTo("<https://shop.example/unsubscribe?u=user-1>"));
            Assert.That(first.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
            Assert.That(first.Headers["X-Personalization-Trigger"], Is.EqualTo("cart_abandonment"));
            Assert.That(first.Headers["X-Personalization-Send-Key"], Is.EqualTo("cart_abandonment:user-1:1"));
        });
    }

    [Test]
    public async Task Sending_the_same_send_key_twice_leaves_one_file_with_the_latest_email()
    {
        using var directory = new TempDirectory();
        var dispatcher = new PickupDirectoryDispatcher(new PickupDirectoryOptions { Directory = directory.Path });

        await dispatcher.DispatchAsync(Email(1), CancellationToken.None);
        await dispatcher.DispatchAsync(Email(1, subject: "Hello again"), CancellationToken.None);

        var files = Directory.GetFiles(directory.Path);
        Assert.That(files, Has.Length.EqualTo(1));
        Assert.That(MimeMessage.Load(files[0]).Subject, Is.EqualTo("Hello again"));
    }

    [Test]
    public async Task A_missing_directory_is_created()
    {
        using var directory = new TempDirectory();
        var target = Path.Combine(directory.Path, "outbox", "pickup");
        var dispatcher = new PickupDirectoryDispatcher(new PickupDirectoryOptions { Directory = target });

        await dispatcher.DispatchAsync(Email(1), CancellationToken.None);

        Assert.That(Directory.GetFiles(target, "*.eml"), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task A_bad_from_address_is_a_permanent_failure_and_writes_nothing()
    {
        using var directory = new TempDirectory();
        var dispatcher = new PickupDirectoryDispatcher(new PickupDirectoryOptions { Directory = directory.Path });

        var error = Assert.ThrowsAsync<EmailDispatchException>(() => dispatcher.DispatchAsync(Email(1, from: "Shop <news@>"), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Permanent, Is.True);
            Assert.That(error.Message, Does.Contain("From address 'Shop <news@>'"));
            Assert.That(Directory.GetFileSystemEntries(directory.Path), Is.Empty);
        });
    }

    [Test]
    public void File_names_are_safe_stable_and_distinct_for_ids_that_differ_only_in_unsafe_characters()
    {
        var slash = PickupDirectoryDispatcher.FileName("product_reminder.user-1/sku-9.1@shop.example");
        var colon = PickupDirectoryDispatcher.FileName("product_reminder.user-1:sku-9.1@shop.example");
        var dots = PickupDirectoryDispatcher.FileName("../../etc/passwd");

        Assert.Multiple(() =>
        {
            Assert.That(slash, Does.StartWith("product_reminder.user-1_sku-9.1@shop.example-").And.EndsWith(".eml"));
            Assert.That(slash, Is.Not.EqualTo(colon));
            Assert.That(slash, Is.EqualTo(PickupDirectoryDispatcher.FileName("product_reminder.user-1/sku-9.1@shop.example")));
            Assert.That(dots, Does.Not.Contain('/').And.Not.StartWith("."));
            Assert.That(PickupDirectoryDispatcher.FileName(new string('x', 1000)), Has.Length.LessThan(200));
        });
    }

    [Test]
    public void Options_without_a_directory_fail_with_the_setting_named()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new PickupDirectoryDispatcher(new PickupDirectoryOptions()));

        Assert.That(error!.Message, Does.Contain("Directory"));
    }

    private static EmailMessage Email(int i, string? subject = null, string? from = null) => new()
    {
        SendKey = $"cart_abandonment:user-{i}:1",
        MessageId = $"cart_abandonment.user-{i}.1@shop.example",
        Trigger = "cart_abandonment",
        UserId = $"user-{i}",
        From = from ?? "Shop <news@shop.example>",
        To = $"user-{i}@example.com",
        Subject = subject ?? $"Hello user {i}",
        HtmlBody = $"<p>Hello user {i}</p>",
        TextBody = $"Hello user {i}",
        UnsubscribeUrl = $"https://shop.example/unsubscribe?u=user-{i}",
        Headers =
        [
            new("List-Unsubscribe", $"<https://shop.example/unsubscribe?u=user-{i}>"),
            new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            new("X-Personalization-Trigger", "cart_abandonment"),
            new("X-Personalization-Send-Key", $"cart_abandonment:user-{i}:1"),
        ],
    };
}
