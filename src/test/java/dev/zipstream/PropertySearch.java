package dev.zipstream;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyAttributes;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How hard the property tests search: in CI a fixed seed and each property's own modest number of tries, so a run
 * takes seconds and repeats exactly. For a longer search, {@code -Dproperties.tries=2000} and
 * {@code -Dproperties.seed=random} (or another seed) on the Maven command line; jqwik prints the seed of a failure.
 */
public final class PropertySearch implements AroundPropertyHook {

    public static final String TRIES = "properties.tries";
    public static final String SEED = "properties.seed";
    public static final String CI_SEED = "20261201";

    /** Added to a class, it reaches the class's properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyAttributes attributes = context.attributes();
        String seed = System.getProperty(SEED, CI_SEED);
        if (!seed.equals("random")) {
            attributes.setSeed(seed);
        }
        String tries = System.getProperty(TRIES);
        if (tries != null && !tries.isBlank()) {
            attributes.setTries(Integer.valueOf(tries.trim()));
        }
        return property.execute();
    }
}
