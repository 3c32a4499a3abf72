global using ImageGen.Sdk.Tests.TestSupport;
