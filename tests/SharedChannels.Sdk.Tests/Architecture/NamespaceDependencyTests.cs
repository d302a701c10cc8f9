using System.Reflection;
using System.Reflection.Emit;

namespace SharedChannels.Tests.Architecture;

/// <summary>
/// The SDK's features depend on each other one way: no two feature namespaces use each other. A feature is
/// <c>SharedChannels.X</c> with everything below it (<c>X.Internal</c>, <c>Storage.InMemory</c>). What a type uses is
/// read from the compiled assembly: its base type and interfaces, the types of its fields, properties and
/// parameters, and every type, method and field its method bodies name.
/// </summary>
public sealed class NamespaceDependencyTests
{
    private static readonly string[] Features =
        ["Connections", "Sharing", "Sync", "Storage", "Content", "Identity", "Transport", "Invitations", "Commands", "Coordination"];

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Test]
    public void FeatureNamespaces_NoTwoUseEachOther()
    {
        Dictionary<(string From, string To), string> uses = FeatureUses(typeof(SharedChannelsException).Assembly);

        string[] cycles = uses.Keys
            .Where(edge => string.CompareOrdinal(edge.From, edge.To) < 0 && uses.ContainsKey((edge.To, edge.From)))
            .Select(edge => $"{edge.From} <-> {edge.To}: {uses[edge]}; {uses[(edge.To, edge.From)]}")
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.That(cycles, Is.Empty, "feature namespaces that use each other");
    }

    [Test]
    public void FeatureNamespaces_NoLongerCycles()
    {
        Dictionary<(string From, string To), string> uses = FeatureUses(typeof(SharedChannelsException).Assembly);
        ILookup<string, string> next = uses.Keys.ToLookup(edge => edge.From, edge => edge.To);

        // A path from a feature back to itself through other features, found by a depth-first walk from each one.
        var cycles = new List<string>();
        foreach (string start in Features)
        {
            var path = new List<string> { start };
            Walk(start);

            void Walk(string at)
            {
                foreach (string to in next[at])
                {
                    if (to == start && path.Count > 2)
                    {
                        cycles.Add(string.Join(" -> ", path.Append(start)) + ": " + string.Join("; ", path.Zip(path.Skip(1).Append(start), (a, b) => uses[(a, b)])));
                    }
                    else if (!path.Contains(to) && string.CompareOrdinal(to, start) > 0)
                    {
                        path.Add(to);
                        Walk(to);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }
        }

        Assert.That(cycles, Is.Empty, "feature namespaces that use each other through others");
    }

    [Test]
    public void UsedTypes_TypeNamedOnlyInAMethodBody_IsSeen()
    {
        Type[] used = UsedTypes(typeof(BodyOnlyUse)).SelectMany(Unwrap).ToArray();

        Assert.That(used, Does.Contain(typeof(Storage.InMemory.InMemoryConnectionStore)));
        Assert.That(used, Does.Contain(typeof(Storage.ConnectionRecord)), "a generic argument");
    }

    /// <summary>Finds which feature uses which, with one example of each use.</summary>
    private static Dictionary<(string From, string To), string> FeatureUses(Assembly assembly)
    {
        var uses = new Dictionary<(string From, string To), string>();
        foreach (Type type in assembly.GetTypes())
        {
            if (FeatureOf(type) is not { } from)
            {
                continue;
            }

            foreach (Type used in UsedTypes(type).SelectMany(Unwrap))
            {
                if (FeatureOf(used) is { } to && to != from)
                {
                    uses.TryAdd((from, to), $"{type.FullName} uses {used.FullName}");
                }
            }
        }

        return uses;
    }

    private static string? FeatureOf(Type type)
    {
        string? ns = type.Namespace;
        if (ns is null || !ns.StartsWith("SharedChannels.", StringComparison.Ordinal))
        {
            return null;
        }

        string first = ns["SharedChannels.".Length..].Split('.')[0];
        return Features.Contains(first) ? first : null;
    }

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (Type contract in type.GetInterfaces())
        {
            yield return contract;
        }

        foreach (FieldInfo field in type.GetFields(Declared))
        {
            yield return field.FieldType;
        }

        foreach (PropertyInfo property in type.GetProperties(Declared))
        {
            yield return property.PropertyType;
        }

        foreach (EventInfo handler in type.GetEvents(Declared))
        {
            if (handler.EventHandlerType is { } handlerType)
            {
                yield return handlerType;
            }
        }

        foreach (MethodBase method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo { ReturnType: var returns })
            {
                yield return returns;
            }

            foreach (ParameterInfo parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }

            foreach (Type used in UsedInBody(type, method))
            {
                yield return used;
            }
        }
    }

    /// <summary>The types a method body names: the operands of its type, method, field and token instructions.</summary>
    private static IEnumerable<Type> UsedInBody(Type type, MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        Type[] typeArguments = type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes;
        Type[] methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : Type.EmptyTypes;
        int at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            OpCode code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    MemberInfo? member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                    if (member is Type named)
                    {
                        yield return named;
                    }
                    else if (member?.DeclaringType is { } declaring)
                    {
                        yield return declaring;
                        if (member is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (Type argument in generic.GetGenericArguments())
                            {
                                yield return argument;
                            }
                        }
                    }

                    at += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }

    /// <summary>A type and the types it is made of: the element of an array or reference, the arguments of a generic.</summary>
    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            foreach (Type element in Unwrap(type.GetElementType()!))
            {
                yield return element;
            }

            yield break;
        }

        if (type.IsGenericParameter)
        {
            yield break;
        }

        yield return type;
        if (type.IsConstructedGenericType)
        {
            foreach (Type argument in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return argument;
            }
        }
    }

    private static class BodyOnlyUse
    {
        public static void Use()
        {
            GC.KeepAlive(new Storage.InMemory.InMemoryConnectionStore());
            GC.KeepAlive(new List<Storage.ConnectionRecord>());
        }
    }
}
