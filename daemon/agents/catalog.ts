// Which models an agent may ask for, and who serves each: the models the price table knows (an unpriced
// model could not be held to a budget), routed to the configured provider its price names.
import type { ModelCatalog } from './agent-manager.js';
import { lookupPrice, type ModelsConfig } from './gateway/config.js';

export function modelCatalog(config: ModelsConfig): ModelCatalog {
  return {
    route(model) {
      const found = lookupPrice(config, model);
      const provider = found && config.providers.get(found.price.provider);
      return provider ? { provider: provider.name, api: provider.api } : undefined;
    },
    models: () => [...config.prices.keys()].filter((m) => config.providers.has(config.prices.get(m)!.provider)).sort(),
  };
}
