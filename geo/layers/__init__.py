"""Turn records into map layers: frames, zones and their severity, seeds and exports."""
