/**
 * electron-builder.yml is read and validated exactly as electron-builder does it (its own loader
 * and JSON schema), offline: packaging itself needs downloads these machines cannot make.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/electron-binary.mjs';

type BuilderConfig = Record<string, unknown>;

// electron-builder's internals are CommonJS without a public export map for these files.
const requireFromHere = createRequire(import.meta.url);
const requireFromBuilder = createRequire(requireFromHere.resolve('app-builder-lib/package.json'));
const { getConfig } = requireFromBuilder('./out/util/config/load') as {
  getConfig(
    request: { packageKey: string; configFilename: string; projectDir: string; packageMetadata: null },
    configPath: string | null,
  ): Promise<{ result: BuilderConfig; configFile: string | null } | null>;
};
const { validateConfiguration } = requireFromBuilder('./out/util/config/config') as {
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = requireFromBuilder('builder-util') as { DebugLogger: new (isEnabled: boolean) => unknown };

async function loadProjectConfig(): Promise<BuilderConfig> {
  const loaded = await getConfig(
    { packageKey: 'build', configFilename: 'electron-builder', projectDir: REPO_ROOT, packageMetadata: null },
    null,
  );
  if (!loaded) throw new Error('electron-builder found no configuration');
  expect(loaded.configFile).toMatch(/electron-builder\.yml$/);
  return loaded.result;
}

const validate = (config: BuilderConfig) => validateConfiguration(config, new DebugLogger(false));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema', async () => {
    await expect(validate(await loadProjectConfig())).resolves.toBeUndefined();
  });

  it('packages only built output, as Ledgerlab, for Linux, Windows and macOS, and publishes nowhere', async () => {
    const config = await loadProjectConfig();
    expect(config).toMatchObject({
      productName: 'Ledgerlab',
      files: ['out/**', 'package.json'],
      asar: true,
      publish: null,
      linux: { target: ['AppImage', 'deb'] },
      win: { target: 'nsis' },
      mac: { target: 'dmg' },
    });
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });

  it('sets the security fuses: no run-as-node, no NODE_OPTIONS, app only from an integrity-checked asar', async () => {
    expect((await loadProjectConfig()).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('rejects a misspelt option, so the schema check has teeth', async () => {
    const config = await loadProjectConfig();
    await expect(validate({ ...config, nsis: { oneclick: false } })).rejects.toThrow(/configuration\.nsis/);
    await expect(validate({ ...config, prodcutName: 'Ledgerlab' })).rejects.toThrow(/prodcutName/);
  });
});
