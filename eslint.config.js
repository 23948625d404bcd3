// ESLint runs only the AppSync rules, only on resolvers/ and the contracts/ modules resolvers bundle
// (Biome lints and formats everything else): APPSYNC_JS is a subset of JavaScript, and these rules
// know which subset, with type information.
import appsync from '@aws-appsync/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  {
    files: ['resolvers/**/*.ts', 'contracts/image-item.ts', 'contracts/sign-urls.ts'],
    ignores: [
      'resolvers/**/*.test.ts',
      'resolvers/build.ts',
      'resolvers/catalog.ts',
      'resolvers/test-support/**',
    ],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@aws-appsync': appsync },
    rules: { ...appsync.configs.recommended.rules },
  },
];
