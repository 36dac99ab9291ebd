using Personalization.Delivery;

namespace Personalization.Tests.Delivery.Templates;

public class EmailTemplateFactoryTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "personalization-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void FromDirectory_reads_the_subject_html_and_text_files()
    {
        File.WriteAllText(Path.Combine(_directory, "cart.subject.liquid"), "Hi {{ profile.first_name }}");
        File.WriteAllText(Path.Combine(_directory, "cart.html.liquid"), "<p>{{ unsubscribe_url }}</p>");
        File.WriteAllText(Path.Combine(_directory, "cart.text.liquid"), "{{ unsubscribe_url }}");

        var template = EmailTemplate.FromDirectory("cart", _directory);

        Assert.That((template.Name, template.Subject, template.Html, template.Text),
            Is.EqualTo(("cart", "Hi {{ profile.first_name }}", "<p>{{ unsubscribe_url }}</p>", "{{ unsubscribe_url }}")));
    }

    [Test]
    public void FromDirectory_without_a_subject_names_the_file_it_looked_for()
    {
        File.WriteAllText(Path.Combine(_directory, "cart.html.liquid"), "x");

        var error = Assert.Throws<FileNotFoundException>(() => EmailTemplate.FromDirectory("cart", _directory))!;

        Assert.That(error.Message, Does.Contain(Path.Combine(_directory, "cart.subject.liquid")));
    }

    [Test]
    public void FromDirectory_without_a_body_names_both_files_it_looked_for()
    {
        File.WriteAllText(Path.Combine(_directory, "cart.subject.liquid"), "Hi");

        var error = Assert.Throws<FileNotFoundException>(() => EmailTemplate.FromDirectory("cart", _directory))!;

        Assert.That(error.Message, Does.Contain("cart.html.liquid").And.Contain("cart.text.liquid"));
    }

    [Test]
    public void FromFiles_reads_the_bodies_and_names_a_missing_file()
    {
        var html = Path.Combine(_directory, "a.html");
        File.WriteAllText(html, "<p>{{ unsubscribe_url }}</p>");

        var template = EmailTemplate.FromFiles("a", "Subject", html);

        Assert.That((template.Html, template.Text), Is.EqualTo(("<p>{{ unsubscribe_url }}</p>", (string?)null)));
        Assert.That(() => EmailTemplate.FromFiles("a", "Subject", html, Path.Combine(_directory, "missing.txt")),
            Throws.TypeOf<FileNotFoundException>().With.Message.Contain("missing.txt"));
    }

    [Test]
    public void FromEmbeddedResources_reads_the_parts_embedded_in_an_assembly()
    {
        var template = EmailTemplate.FromEmbeddedResources("welcome", typeof(EmailTemplateFactoryTests).Assembly,
            "Personalization.Tests.Delivery.Templates.Resources");

        Assert.That(template.Subject, Does.Contain("Welcome"));
        Assert.That(template.Html, Does.Contain("{{ unsubscribe_url }}"));
        Assert.That(template.Text, Does.Contain("{{ unsubscribe_url }}"));
        Assert.That(() => Personalization.Delivery.Templates.TemplateSet.Compile([template], new TemplateLimits()), Throws.Nothing);
    }

    [Test]
    public void FromEmbeddedResources_with_a_wrong_prefix_lists_the_resources_the_assembly_has()
    {
        var error = Assert.Throws<ArgumentException>(() => EmailTemplate.FromEmbeddedResources("welcome",
            typeof(EmailTemplateFactoryTests).Assembly, "Wrong.Prefix"))!;

        Assert.That(error.Message, Does.Contain("Wrong.Prefix.welcome.subject.liquid")
            .And.Contain("Personalization.Tests.Delivery.Templates.Resources.welcome.html.liquid"));
    }
}
