namespace Budget.Api.Tests;

/// <summary>A server with one user per role, each with a key of its own: the fixture of the role-by-endpoint tests.</summary>
public abstract class RoleKeysFixture(bool seedDemo) : IAsyncLifetime
{
    public BudgetApiFactory Factory { get; } = new(seedDemo);

    /// <summary>Keys by role code: consultant, committee, council, finance, reader, admin.</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        foreach (var role in new[] { "consultant", "committee", "council", "finance", "reader", "admin" })
        {
            Keys[role] = await Users.Create(Factory, $"{role} user", [role]);
        }
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
