namespace ImageGen.Sdk;

/// <summary>Where a generation stands, as reported through <see cref="ImageGenerationRequest.Progress"/>.</summary>
public enum ImageGenerationStage
{
    /// <summary>The provider accepted the job and it waits in the provider's queue.</summary>
    Queued,

    /// <summary>The provider is generating the images.</summary>
    Running,

    /// <summary>The images are ready and are being downloaded from the provider's result URLs.</summary>
    Downloading,

    /// <summary>The provider call finished and its images are in the result.</summary>
    Done,
}
